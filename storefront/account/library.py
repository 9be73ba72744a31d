"""Reading one shopper's orders and library. Every query is scoped by the account's id, so nobody else's order (nor
a guest order not yet claimed) can appear, whatever the page or order number asked for."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront.catalog.models import ProductKind
from storefront.downloads.services import DELIVERED, OrderDelivery, order_delivery, orders_delivery
from storefront.extensions import db
from storefront.licences.services import order_licences, orders_licences
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus

ORDERS_PAGE_SIZE = 20
LIBRARY_PAGE_SIZE = 10
# Orders whose files the library lists: delivered ones, and refunded ones (shown as refunded, not downloadable).
IN_LIBRARY = {*DELIVERED, OrderStatus.REFUNDED}

# The order statuses as a shopper reads them.
STATUS_LABELS = {
    OrderStatus.PENDING: "Awaiting payment",
    OrderStatus.PAID: "Paid",
    OrderStatus.PROCESSING: "Being prepared",
    OrderStatus.FULFILLED: "Complete",
    OrderStatus.CANCELED: "Canceled",
    OrderStatus.EXPIRED: "Checkout expired",
    OrderStatus.FAILED: "Payment failed",
    OrderStatus.PARTIALLY_REFUNDED: "Partly refunded",
    OrderStatus.REFUNDED: "Refunded",
}


def _newest_first(statement):
    return statement.order_by(Order.created_at.desc(), Order.id.desc())


def order_history(user, page):
    """A page of every order of `user`, newest first, with its items and parcels loaded."""
    statement = (
        select(Order).where(Order.user_id == user.id).options(selectinload(Order.items), selectinload(Order.shipments))
    )
    return db.paginate(_newest_first(statement), page=page, per_page=ORDERS_PAGE_SIZE, error_out=False)


@dataclass(frozen=True)
class LibraryOrder:
    """One order's part of the library: its digital items and, unless it was refunded in full, their files."""

    order: Order
    delivery: OrderDelivery
    licences: list  # storefront.licences.services.ItemLicences of its items

    @property
    def refunded(self):
        return self.order.status == OrderStatus.REFUNDED

    @property
    def digital_items(self):
        return [item for item in self.order.items if item.kind == ProductKind.DIGITAL]

    @property
    def preparing(self):
        """True while a file is still being made (the library polls this order until it is not)."""
        return self.delivery.preparing


def _library_query(user):
    return (
        select(Order)
        .where(
            Order.user_id == user.id,
            Order.status.in_([status.value for status in IN_LIBRARY]),
            Order.kind != ProductKind.PHYSICAL.value,
        )
        .options(selectinload(Order.items))
    )


def library(user, page):
    """A page of the orders with files that `user` bought, newest first, and what each one's items hold."""
    orders = db.paginate(_newest_first(_library_query(user)), page=page, per_page=LIBRARY_PAGE_SIZE, error_out=False)
    deliveries = orders_delivery(orders.items)
    licences = orders_licences(orders.items)
    return orders, [LibraryOrder(order, deliveries[order.id], licences[order.id]) for order in orders.items]


def library_order(user, number):
    """The library's part for `user`'s order `number`, or None when it is not theirs or holds no files."""
    order = db.session.scalar(_library_query(user).where(Order.number == number))
    return None if order is None else LibraryOrder(order, order_delivery(order), order_licences(order))
