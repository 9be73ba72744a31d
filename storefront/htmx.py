"""The one htmx protocol every blueprint follows: full page for a normal request, fragment for htmx."""

from flask import make_response, render_template, request

# htmx stops polling when a response carries this status.
STOP_POLLING = 286


def is_htmx():
    """True for a request made by htmx (it always sends `HX-Request: true`)."""
    return request.headers.get("HX-Request") == "true"


def render_page_or_fragment(page, fragment, status=200, **context):
    """Render `fragment` for htmx requests and the full `page` (which includes it) otherwise.

    The response varies on HX-Request so caches never serve a fragment for a full page load.
    """
    template = fragment if is_htmx() and not request.headers.get("HX-History-Restore-Request") else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
