"""Friendly error pages, never a traceback. htmx requests get the bare message; for the statuses in RETARGETED it is
sent to the page's message area (`#messages` in base.html, swapped because base.html's htmx responseHandling swaps
these codes), so a failed button or poll says what happened instead of doing nothing. A 400 stays swapped in place,
as forms show it. Pages for server errors show the request id, which is in the log line of the failure."""

from flask import Blueprint, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from storefront.htmx import is_htmx

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    429: "Too many requests. Please wait a moment and try again.",
    503: "This is temporarily unavailable on our side. Please try again in a few minutes.",
}


# Keep in step with the "swap" rule in base.html's htmx-config.
RETARGETED = {403, 404, 405, 413, 429, 500}
MESSAGE_AREA = "#messages"


def _render_error(status, title, message):
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    context = {"status": status, "title": title, "message": message, "request_id": g.get("request_id")}
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    if is_htmx() and status in RETARGETED:
        response.headers["HX-Retarget"] = MESSAGE_AREA
        response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _render_error(
        400, "Form expired", "This form has expired or was not sent from our site. Reload the page and try again."
    )


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """413 naming the limit: a body over MAX_CONTENT_LENGTH (or a view's own smaller limit) is not read at all."""
    limit = request.max_content_length
    size = f" (at most {_human_size(limit)})" if limit else ""
    message = f"That request was larger than we accept{size}. Send less and try again."
    return _render_error(413, "Request too large", message)


def _human_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MiB"
    return f"{size / 1024:g} KiB"


@bp.app_errorhandler(HTTPException)
def http_error(error):
    response = _render_error(error.code, error.name, MESSAGES.get(error.code, error.description))
    # Keep the headers the error carries, such as Allow on a 405 and Retry-After on a 429.
    for name, value in error.get_headers():
        if name != "Content-Type":
            response.headers[name] = value
    return response


@bp.app_errorhandler(500)
def server_error(_error):
    """Flask has already logged the exception (with this request's id); the page shows the id, not the trace."""
    return _render_error(500, "Something went wrong", "Sorry, something went wrong on our side. Please try again.")
