"""Shipping an order's physical items, in one parcel or several.

`ship` owns the rules: only paid orders, only physical items, never more than is left to send; each shipment emails
the shopper through the queue and writes an audit row; the order becomes fulfilled when nothing is left. Callers
own the transaction (they commit through `storefront.jobs.commit`).
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from storefront.audit.services import record_admin_action
from storefront.catalog.models import ProductKind
from storefront.extensions import db
from storefront.fulfilment.models import Shipment, ShipmentItem
from storefront.orders import services as orders
from storefront.orders.status import ALLOWED_TRANSITIONS, OrderStatus
from storefront.refunds.models import Refund, RefundItem, RefundStatus

# Paid and not refunded in full: what was bought is still owed to the buyer.
SHIPPABLE = {OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.PARTIALLY_REFUNDED}


class ShippingError(ValueError):
    """The shipment cannot be made as asked; the message is safe to show to an admin."""


@dataclass(frozen=True)
class LineToShip:
    """One physical item of an order: how many were bought, sent already, refunded (not owed) and still to send."""

    item: object
    shipped: int
    refunded: int

    @property
    def remaining(self):
        return max(0, self.item.quantity - self.shipped - self.refunded)


def _shipped_quantities(order):
    rows = db.session.execute(
        select(ShipmentItem.order_item_id, func.sum(ShipmentItem.quantity))
        .join(Shipment, Shipment.id == ShipmentItem.shipment_id)
        .where(Shipment.order_id == order.id)
        .group_by(ShipmentItem.order_item_id)
    )
    return Counter(dict(rows.all()))


def _refunded_quantities(order):
    """Units refunded (or being refunded) item by item: the buyer is no longer owed them."""
    rows = db.session.execute(
        select(RefundItem.order_item_id, func.sum(RefundItem.quantity))
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id == order.id, Refund.status != RefundStatus.FAILED.value)
        .group_by(RefundItem.order_item_id)
    )
    return Counter(dict(rows.all()))


def lines_to_ship(order):
    """The order's physical items with what is left to send, in order-line order."""
    shipped, refunded = _shipped_quantities(order), _refunded_quantities(order)
    return [
        LineToShip(item, shipped[item.id], refunded[item.id])
        for item in order.items
        if item.kind == ProductKind.PHYSICAL
    ]


def can_ship(order):
    """Whether the panel offers the shipping form: a paid order with something physical left to send."""
    return OrderStatus(order.status) in SHIPPABLE and any(line.remaining for line in lines_to_ship(order))


def check_tracking_url(url):
    """Raise ShippingError unless `url` is an http(s) address: the link goes into an email and the order page."""
    parts = urlsplit(url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ShippingError("The tracking link must be a web address starting with http:// or https://.")


def _check_parcel(order, carrier, tracking_number, tracking_url):
    if OrderStatus(order.status) not in SHIPPABLE:
        raise ShippingError(f"Order {order.number} is {order.status.replace('_', ' ')}: only paid orders ship.")
    if not (carrier or "").strip() or not (tracking_number or "").strip():
        raise ShippingError("Give the carrier and the tracking number.")
    check_tracking_url(tracking_url)


def _chosen_lines(order, quantities):
    """[(item, quantity)] for the wanted quantities ({order_item_id: quantity}); raises ShippingError for an item
    that is not this order's, a download, or more than is left to send."""
    lines = {line.item.id: line for line in lines_to_ship(order)}
    titles = {item.id: item.title for item in order.items}
    chosen = []
    for item_id, quantity in quantities.items():
        if not quantity:
            continue
        if item_id not in titles:
            raise ShippingError("That item is not part of this order.")
        if item_id not in lines:
            raise ShippingError(f"{titles[item_id]} is a download: only physical items ship.")
        line = lines[item_id]
        if quantity < 0 or quantity > line.remaining:
            raise ShippingError(f"Only {line.remaining} of {line.item.title} left to ship.")
        chosen.append((line.item, quantity))
    if not chosen:
        raise ShippingError("Choose how many of which items go in this parcel.")
    return chosen


def ship(order, items_and_quantities, carrier, tracking_number, tracking_url, actor):
    """Record a parcel holding `items_and_quantities` ({order_item_id: quantity}) of `order`, queue the shopper's
    email about it and write the audit row; once every physical item has gone, the order is fulfilled.

    The order row is locked first (on Postgres), so two admins shipping at once cannot send more than was bought.
    Raises ShippingError (a ValueError) with a message for the admin; the caller then rolls back."""
    order = orders.lock_order(order.id)
    _check_parcel(order, carrier, tracking_number, tracking_url)
    chosen = _chosen_lines(order, items_and_quantities)
    shipment = Shipment(
        order=order,
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        tracking_url=tracking_url.strip(),
        created_by_id=actor.id,
        items=[ShipmentItem(order_item=item, quantity=quantity) for item, quantity in chosen],
    )
    db.session.add(shipment)
    db.session.flush()
    orders.notify_shipped(order, shipment)
    _audit(order, shipment, actor)
    _fulfil_when_all_sent(order)
    return shipment


def _audit(order, shipment, actor):
    sent = ", ".join(f"{line.quantity} × {line.order_item.title}" for line in shipment.items)
    after = {
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "items": {str(line.order_item_id): line.quantity for line in shipment.items},
    }
    message = f"Shipped {sent} with {shipment.carrier} ({shipment.tracking_number})."
    record_admin_action(actor, "order.ship", shipment, message, after=after, order=order)


def _fulfil_when_all_sent(order):
    """Fulfilled once nothing physical is left to send. A partly refunded order keeps its status: the pipeline
    allows no move from partially refunded to fulfilled, and the refund is the fact that matters more."""
    if any(line.remaining for line in lines_to_ship(order)):
        return
    if OrderStatus.FULFILLED in ALLOWED_TRANSITIONS[OrderStatus(order.status)]:
        orders.set_status(order, OrderStatus.FULFILLED, "Every item has shipped.")
