from storefront.cart.services import expire_abandoned_carts
from storefront.extensions import db


def expire_abandoned_carts_job():
    """Periodic: mark carts untouched for CART_ABANDON_AFTER_HOURS as abandoned."""
    count = expire_abandoned_carts()
    db.session.commit()
    return count
