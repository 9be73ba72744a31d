"""Who may check out: not a blocked user, even one the user loader has already logged out; and a logged-in user only
once they have accepted the current terms."""

from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from storefront.accounts.models import User, parse_session_user_id
from storefront.extensions import db
from storefront.legal.services import terms_to_accept
from storefront.urls import is_safe_next

# Where Flask-Login keeps the logged-in user's id; it stays in the session after the loader refuses a user.
LOGIN_SESSION_KEY = "_user_id"


def refuse_blocked_user():
    """Abort with 403 when this browser is logged in to a blocked account.

    The user loader already treats a blocked user as logged out, so `current_user` alone would let a shopper
    blocked mid-session carry on as a guest; the account id the session still names tells us who it is.
    """
    parsed = parse_session_user_id(
        current_user.get_id() if current_user.is_authenticated else session.get(LOGIN_SESSION_KEY)
    )
    if parsed is None:
        return
    if db.session.scalar(select(User.is_blocked).where(User.id == parsed[0])):
        abort(403)


def require_current_terms():
    """Send a logged-in shopper who has not accepted the current terms to accept them first (a 303 to the
    acceptance page, which continues to the checkout, or to the page the shopper came from for a "buy now")."""
    if not current_user.is_authenticated or terms_to_accept(current_user) is None:
        return
    back = url_for("checkout.review") if request.method == "GET" else _referrer_path()
    abort(redirect(url_for("legal.accept_terms", next=back), code=303))


def _referrer_path():
    """The same-site page this form was posted from, so accepting the terms leads back to it; else the checkout."""
    referrer = urlsplit(request.referrer or "")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    same_site = referrer.netloc in ("", request.host)
    return path if same_site and is_safe_next(path) else url_for("checkout.review")
