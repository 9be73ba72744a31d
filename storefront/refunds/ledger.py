"""What refunds already hold of an order's money, read by the refund service and by the webhook that confirms them.

A refund the app asked for is `pending` until the provider's `charge.refunded` event records the money; while
pending it still counts against what may be refunded, so two admins (or a double click) cannot refund more than
was paid."""

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.refunds.models import Refund, RefundItem, RefundStatus

LIVE = (RefundStatus.PENDING.value, RefundStatus.SUCCEEDED.value)


def pending_refund_cents(order_id):
    query = select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
        Refund.order_id == order_id, Refund.status == RefundStatus.PENDING.value
    )
    return db.session.scalar(query)


def refunded_quantities(order_id):
    """Order item id -> units refunded or being refunded."""
    return refunded_quantities_of_orders([order_id])


def refunded_quantities_of_orders(order_ids):
    """Order item id -> units refunded or being refunded, for the items of all `order_ids` in one statement."""
    rows = db.session.execute(
        select(RefundItem.order_item_id, func.sum(RefundItem.quantity))
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id.in_(order_ids), Refund.status.in_(LIVE))
        .group_by(RefundItem.order_item_id)
    ).all()
    return {item_id: int(quantity) for item_id, quantity in rows}


def items_keeping_access(order_id):
    """Ids of order items whose refund let the buyer keep the files."""
    query = (
        select(RefundItem.order_item_id)
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id == order_id, Refund.status.in_(LIVE), RefundItem.keep_access.is_(True))
    )
    return set(db.session.scalars(query))


def settle_pending_refunds(order_id, confirmed_cents):
    """The provider confirmed `confirmed_cents` more refunded: mark the oldest pending refunds that fit succeeded.
    Money refunded elsewhere (Stripe's dashboard) matches no pending refund and settles nothing."""
    pending = db.session.scalars(
        select(Refund)
        .where(Refund.order_id == order_id, Refund.status == RefundStatus.PENDING.value)
        .order_by(Refund.id)
    ).all()
    for refund in pending:
        if refund.amount_cents > confirmed_cents:
            break
        refund.status = RefundStatus.SUCCEEDED.value
        confirmed_cents -= refund.amount_cents


def failed_by_provider(provider_refund_id, reason):
    """Mark the refund the provider failed (found by its id) as failed, freeing what it held. Returns it with its
    status before (a refund already confirmed had its money recorded, which must now be reversed), or (None, None)
    for a refund we do not know or had already marked failed."""
    refund = db.session.scalar(select(Refund).where(Refund.provider_refund_id == (provider_refund_id or "")))
    if refund is None or refund.status == RefundStatus.FAILED:
        return None, None
    before = RefundStatus(refund.status)
    refund.status = RefundStatus.FAILED.value
    refund.last_error = f"failed at the provider: {reason}"[:2000]
    return refund, before
