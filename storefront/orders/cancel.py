"""Ending pending orders on the shopper's word: "Cancel this order", or paying again from the same cart.

The payment provider decides. An order is canceled only once its checkout session is closed, so a shopper who paid
on the provider's page a moment ago is never told the order is canceled, and its stock is never sold twice. Callers
own the transaction (they commit).
"""

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import give_up, lock_order
from storefront.orders.status import InvalidOrderStatus, OrderStatus
from storefront.payments.gateways import get_gateway

REPLACED = "Replaced by a newer order from the same cart."


class StillPaying(Exception):
    """The provider says this order's checkout was completed: its payment is confirming, so it cannot be ended."""

    def __init__(self, order):
        super().__init__(f"order {order.number} is being paid")
        self.order = order


def close_checkout(order):
    """True once `order`'s checkout can no longer be paid (or it never had one); False when the provider refused
    because the shopper completed it. Raises PaymentGatewayError when the provider cannot be reached."""
    if not order.gateway_session_id:
        return True
    return get_gateway(order.gateway).expire_session(order.gateway_session_id)


def cancel_if_pending(order_id, message):
    """Cancel the order if it is still pending, re-read under a row lock (the payment may have landed while we
    talked to the provider); True when it was canceled now."""
    order = lock_order(order_id)
    try:
        return give_up(order, OrderStatus.CANCELED, message)
    except InvalidOrderStatus:  # paid between that read and our write: SQLite has no row locks
        return False


def end_earlier_orders(cart_id):
    """Before a new order is placed from cart `cart_id`, end its earlier pending orders: one live order per cart.

    Raises StillPaying when one of them is being paid (the shopper should wait for it, not pay twice), and
    PaymentGatewayError when the provider cannot be reached to close one (better no new order than two live ones).
    """
    if cart_id is None:
        return
    earlier = db.session.scalars(
        select(Order).where(Order.cart_id == cart_id, Order.status == OrderStatus.PENDING).order_by(Order.id)
    ).all()
    for order in earlier:
        if not close_checkout(order):
            raise StillPaying(order)
        cancel_if_pending(order.id, REPLACED)
