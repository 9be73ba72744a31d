"""Order jobs, run by the RQ worker (or in-process without Redis). Each takes ids and re-reads the database."""

from storefront.extensions import db
from storefront.orders.services import expire_overdue_orders


def expire_overdue_orders_job():
    """Periodic: close pending orders whose checkout window has passed and release their stock."""
    count = expire_overdue_orders()
    db.session.commit()
    return count
