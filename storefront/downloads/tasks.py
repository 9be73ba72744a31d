"""Delivery jobs. They take ids, re-read the database and are safe to run twice."""

from storefront import jobs
from storefront.downloads.services import grant_entitlements
from storefront.extensions import db
from storefront.logs import bind_order
from storefront.orders.models import Order


def grant_entitlements_job(order_id):
    """Grant the files of a paid order (queued after the commit that marked it paid)."""
    order = db.session.get(Order, order_id)
    if order is None:
        return
    bind_order(order.number)
    grant_entitlements(order)
    jobs.commit()
