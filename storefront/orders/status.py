"""Order status is data: one enum and one table of allowed moves. `check_transition` raises on anything else."""

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    PROCESSING = "processing"
    FULFILLED = "fulfilled"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class InvalidOrderStatus(ValueError):
    """A status change the order pipeline does not allow."""


_REFUNDS = {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}

ALLOWED_TRANSITIONS = {
    OrderStatus.PENDING: {OrderStatus.PAID, OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.FAILED},
    # Money can arrive after we gave up waiting (a late webhook): the order becomes paid after all.
    OrderStatus.EXPIRED: {OrderStatus.PAID},
    OrderStatus.CANCELED: {OrderStatus.PAID},
    OrderStatus.FAILED: {OrderStatus.PAID},
    OrderStatus.PAID: {OrderStatus.PROCESSING, OrderStatus.FULFILLED, *_REFUNDS},
    OrderStatus.PROCESSING: {OrderStatus.FULFILLED, *_REFUNDS},
    OrderStatus.FULFILLED: _REFUNDS,
    OrderStatus.PARTIALLY_REFUNDED: _REFUNDS,
    OrderStatus.REFUNDED: set(),
}

# Statuses in which the shopper's payment attempt is over, one way or the other.
PAYMENT_SETTLED = {s for s in OrderStatus if s is not OrderStatus.PENDING}
# Statuses whose order holds no stock: the sale did not happen.
UNSOLD = {OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.FAILED}


def check_transition(current, new):
    """Raise InvalidOrderStatus unless the pipeline allows moving from `current` to `new`."""
    if OrderStatus(new) not in ALLOWED_TRANSITIONS[OrderStatus(current)]:
        raise InvalidOrderStatus(f"an order cannot go from {current} to {new}")
