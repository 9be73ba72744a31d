"""Who may see an order's pages and files: its owner, an admin, or a browser session that placed the order or
looked it up with its number and email."""

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order

SESSION_KEY = "checkout_orders"
REMEMBERED_ORDERS = 20


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
