"""Order jobs, run by the RQ worker (or in-process without Redis). Each takes ids and re-reads the database."""

from storefront.extensions import db
from storefront.mail import render_email, send_email
from storefront.orders.models import Order
from storefront.orders.services import expire_overdue_orders
from storefront.urls import external_url


def send_order_confirmation(order_id):
    order = db.session.get(Order, order_id)
    if order is None:
        return
    # The order page needs this browser to know the order; the lookup page lets any device in with number + email.
    link = external_url("orders.lookup", number=order.number)
    send_email(render_email("order_confirmation", order.email, f"Your order {order.number}", order=order, link=link))
    db.session.commit()


def expire_overdue_orders_job():
    """Periodic: close pending orders whose checkout window has passed and release their stock."""
    count = expire_overdue_orders()
    db.session.commit()
    return count
