"""Who may receive which consented mailing. Unsubscribe links carry a signed, never-expiring token naming one
recipient and one mailing, so they work without logging in and cannot be forged for someone else."""

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.mailings.models import MailingOptOut
from storefront.urls import external_url

FILE_UPDATES, CART_REMINDERS = "file_updates", "cart_reminders"
# Each mailing as the unsubscribe page names it.
MAILINGS = {
    FILE_UPDATES: "emails about new versions of files you bought",
    CART_REMINDERS: "reminders about a cart you left",
}
TOKEN_SALT = "storefront.mailings.unsubscribe"
MAX_TOKEN_LENGTH = 600


def normalised(email):
    return email.strip().lower()


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


def unsubscribe_token(email, mailing):
    return _serializer().dumps([normalised(email), mailing])


def read_token(token):
    """(email, mailing) the token was signed for, or None for a mangled, forged or unknown one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        email, mailing = _serializer().loads(token)
    except (BadData, ValueError, TypeError):
        return None
    return (email, mailing) if mailing in MAILINGS and isinstance(email, str) else None


def unsubscribe_url(email, mailing):
    return external_url("mailings.unsubscribe", token=unsubscribe_token(email, mailing))


def list_headers(email, mailing):
    """RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button that POSTs to the same URL."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(email, mailing)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def is_unsubscribed(email, mailing):
    query = exists().where(MailingOptOut.email == normalised(email), MailingOptOut.mailing == mailing)
    return db.session.scalar(select(query))


def unsubscribe(email, mailing):
    """Record the opt-out (the caller commits); asking twice, or twice at once, keeps one row."""
    if is_unsubscribed(email, mailing):
        return
    try:
        with db.session.begin_nested():
            db.session.add(MailingOptOut(email=normalised(email), mailing=mailing))
    except IntegrityError:
        pass  # a concurrent request recorded it first
