"""What shoppers see while a backing service is down.

Database unreachable: every page that needs it answers a plain 503 page with Retry-After (rendered without
base.html, which would ask the database for the user and the cart), after rolling the session back so nothing
half-written is committed. The router keeps sending traffic; the shop recovers by itself when the database does.

Redis unreachable: the shop keeps selling. Work recorded with a commit stays as pending job records that the
sweep queues once Redis answers (storefront.jobs), and the shopper is told its emails may be late.
"""

from flask import current_app, flash, g, render_template
from sqlalchemy.exc import DBAPIError, OperationalError

from storefront.errors import MESSAGES
from storefront.extensions import db
from storefront.htmx import is_htmx
from storefront.jobs import QUEUE_DELAYED

RETRY_AFTER_SECONDS = 30
DELAYED_MESSAGE = "We have everything we need. Your emails may arrive a few minutes late."


def register_outage_handling(app):
    app.register_error_handler(OperationalError, database_unavailable)
    app.after_request(tell_when_jobs_are_delayed)


def database_unavailable(error):
    current_app.logger.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()
    template = "errors/_message.html" if is_htmx() else "errors/unavailable.html"
    page = render_template(template, status=503, title="Temporarily unavailable", message=MESSAGES[503])
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def tell_when_jobs_are_delayed(response):
    """Flash once when this request recorded work it could not queue (jobs.dispatch notes it)."""
    if g.pop(QUEUE_DELAYED, False):
        flash(DELAYED_MESSAGE, "info")
    return response
