from storefront.cart.reminders import queue_due_reminders
from storefront.cart.services import expire_abandoned_carts
from storefront.extensions import db


def expire_abandoned_carts_job():
    """Periodic: mark carts untouched for CART_ABANDON_AFTER_HOURS as abandoned."""
    count = expire_abandoned_carts()
    db.session.commit()
    return count


def send_cart_reminders_job():
    """Periodic: queue the one reminder of each consenting cart left for CART_REMINDER_DELAY_MINUTES."""
    return queue_due_reminders()
