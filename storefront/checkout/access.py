"""Who may check out: not a blocked user, even one the user loader has already logged out."""

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from storefront.accounts.models import User, parse_session_user_id
from storefront.extensions import db

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
