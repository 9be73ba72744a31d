"""Who may check out (not blocked users), and who may see an order's checkout pages: its owner, an admin, or
the browser session that placed it."""

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from storefront.accounts.models import User, parse_session_user_id
from storefront.extensions import db
from storefront.orders.models import Order

SESSION_KEY = "checkout_orders"
REMEMBERED_ORDERS = 20
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


def remember_order(order):
    numbers = [n for n in session.get(SESSION_KEY, []) if n != order.number]
    session[SESSION_KEY] = (numbers + [order.number])[-REMEMBERED_ORDERS:]


def _may_view(order):
    if order.number in session.get(SESSION_KEY, []):
        return True
    if not current_user.is_authenticated:
        return False
    return current_user.is_admin or order.user_id == current_user.id


def get_viewable_order(number):
    """The order with this number if this visitor may see it; 404 otherwise, so existence never leaks."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None or not _may_view(order):
        abort(404)
    return order
