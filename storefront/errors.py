"""Friendly error pages. htmx requests get the bare message so it can be swapped in place."""

from flask import Blueprint, render_template, request
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


def _render_error(status, title, message):
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


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
    page, status = _render_error(error.code, error.name, MESSAGES.get(error.code, error.description))
    # Keep the headers the error carries, such as Allow on a 405 and Retry-After on a 429.
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return page, status, headers


@bp.app_errorhandler(500)
def server_error(_error):
    return _render_error(500, "Something went wrong", "Sorry, something went wrong on our side. Please try again.")
