"""Refunding an order from the back office: the whole of what is left, an amount, or chosen items (quantities),
with a reason, per digital item whether the buyer keeps the files and per physical item whether the units go back
into stock.

`plan_refund` says exactly what will happen (the confirmation step shows it); `issue_refund` does it: under the
order's row lock it re-plans, records a pending Refund (which counts against what may still be refunded, so
concurrent refunds can never exceed what was paid), asks the gateway with an idempotency key from the admin's form
(so a double click refunds once), then applies the items' effects. The money itself is recorded when the
provider's `charge.refunded` event lands, through the same webhook code as refunds made in Stripe's dashboard.
"""

from dataclasses import dataclass, field

from sqlalchemy import select, update

from storefront import jobs
from storefront.audit.services import record_admin_action
from storefront.clock import utcnow
from storefront.downloads.services import revoke_entitlements
from storefront.extensions import db
from storefront.licences.services import sync_order as sync_licences
from storefront.money import format_money
from storefront.orders import services as orders
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments import dummy
from storefront.payments.gateways import PaymentGatewayError, get_gateway
from storefront.payments.webhooks import handle_event
from storefront.refunds.ledger import pending_refund_cents, refunded_quantities
from storefront.refunds.models import Refund, RefundItem, RefundStatus

REFUNDABLE = {OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED}
MODES = ("full", "amount", "items")
MAX_REASON = 500


class RefundRefused(ValueError):
    """The refund cannot be made as asked; the message is safe to show to the admin."""


@dataclass(frozen=True)
class RefundRequest:
    """What the admin asked for. `quantities` maps order item id -> units; `keep_access` and `restock` hold ids."""

    mode: str
    reason: str
    amount_cents: int | None = None
    quantities: dict = field(default_factory=dict)
    keep_access: frozenset = frozenset()
    restock: frozenset = frozenset()


@dataclass(frozen=True)
class PlannedLine:
    item: object
    quantity: int
    amount_cents: int
    keep_access: bool
    restock: bool


@dataclass(frozen=True)
class RefundPlan:
    order: Order
    request: RefundRequest
    amount_cents: int
    lines: list
    left_cents: int

    @property
    def ends_in_full_refund(self):
        return self.amount_cents >= self.left_cents


def refundable_cents(order):
    """What may still be refunded: paid, less refunded, less refunds asked for and not yet confirmed."""
    return order.amount_paid_cents - order.amount_refunded_cents - pending_refund_cents(order.id)


def plan_refund(order, request):
    """What refunding `order` as `request` asks would do; raises RefundRefused with the reason it cannot."""
    _check_refundable(order, request)
    left = refundable_cents(order)
    if left <= 0:
        raise RefundRefused("Nothing is left to refund on this order.")
    lines = _planned_lines(order, request)
    amount = _amount(request, lines, left)
    if amount > left:
        raise RefundRefused(_over_refund(order, amount, left))
    return RefundPlan(order=order, request=request, amount_cents=amount, lines=lines, left_cents=left)


def _check_refundable(order, request):
    if OrderStatus(order.status) not in REFUNDABLE:
        raise RefundRefused(f"Only a paid order can be refunded; this one is {order.status.replace('_', ' ')}.")
    if request.mode not in MODES:
        raise RefundRefused("Choose a full refund, an amount or items.")
    if not request.reason.strip() or len(request.reason) > MAX_REASON:
        raise RefundRefused(f"Give a reason for the refund (at most {MAX_REASON} characters).")


def _planned_lines(order, request):
    """The items the refund names: every unrefunded unit for a full refund, the chosen ones for an item refund."""
    if request.mode == "amount":
        return []
    refunded = refunded_quantities(order.id)
    wanted = _wanted_quantities(order, request, refunded)
    if not wanted:
        raise RefundRefused("Choose at least one item and how many to refund.")
    return [_line(item, quantity, request) for item, quantity in wanted]


def _wanted_quantities(order, request, refunded):
    wanted = []
    for item in order.items:
        left = item.quantity - refunded.get(item.id, 0)
        quantity = left if request.mode == "full" else request.quantities.get(item.id, 0)
        if quantity > left:
            raise RefundRefused(f"Only {left} of “{item.title}” can still be refunded.")
        if quantity > 0:
            wanted.append((item, quantity))
    return wanted


def _line(item, quantity, request):
    return PlannedLine(
        item=item,
        quantity=quantity,
        amount_cents=item.unit_price_cents * quantity,
        keep_access=item.kind == "digital" and item.id in request.keep_access,
        restock=item.kind != "digital" and item.id in request.restock,
    )


def _amount(request, lines, left):
    if request.mode == "full":
        return left
    if request.mode == "items":
        return sum(line.amount_cents for line in lines)
    if request.amount_cents is None or request.amount_cents <= 0:
        raise RefundRefused("Enter an amount above zero.")
    return request.amount_cents


def _over_refund(order, amount, left):
    money = lambda cents: format_money(cents, order.currency)  # noqa: E731
    held = order.amount_paid_cents - left
    return (
        f"You cannot refund {money(amount)}: at most {money(left)} is left "
        f"({money(order.amount_paid_cents)} paid, {money(held)} refunded or being refunded)."
    )


# Doing it


@dataclass(frozen=True)
class Actor:
    """Who asks, captured before the refund's transaction starts (see `issue_refund`)."""

    id: int
    email: str


def issue_refund(order_id, request, actor, idempotency_key):
    """Refund the order as `request` asks; returns the Refund (the earlier one for a key seen before).

    Its first statement takes the order's row lock (Postgres) or the write lock (SQLite), so call it with nothing read
    in the current transaction: concurrent refunds of one order then run one after another and each sees the
    others' pending amounts. Raises RefundRefused (nothing is changed) or, when the gateway fails, RefundRefused
    after recording the attempt as failed."""
    order = _lock(order_id)
    earlier = db.session.scalar(select(Refund).where(Refund.idempotency_key == idempotency_key))
    if earlier is not None:
        jobs.rollback()
        return earlier
    try:
        plan = plan_refund(order, request)
    except RefundRefused:
        jobs.rollback()
        raise
    refund_id = _record_request(plan, actor, idempotency_key)
    jobs.commit()
    return _send(order_id, refund_id)


def _lock(order_id):
    db.session.execute(update(Order).where(Order.id == order_id).values(updated_at=utcnow()))
    return orders.lock_order(order_id)


def _record_request(plan, actor, idempotency_key):
    order = plan.order
    refund = Refund(
        order_id=order.id,
        amount_cents=plan.amount_cents,
        currency=order.currency,
        reason=plan.request.reason.strip(),
        status=RefundStatus.PENDING.value,
        idempotency_key=idempotency_key,
        provider=order.gateway,
        created_by_id=actor.id,
        items=[_refund_item(line) for line in plan.lines],
    )
    db.session.add(refund)
    db.session.flush()
    summary = f"Refund of {format_money(plan.amount_cents, order.currency)} asked by {actor.email}: {refund.reason}"
    orders.record_event(order, summary)
    record_admin_action(actor, "order.refund", order, summary, after=_audit_details(refund))
    return refund.id


def _refund_item(line):
    return RefundItem(
        order_item_id=line.item.id,
        quantity=line.quantity,
        amount_cents=line.amount_cents,
        keep_access=line.keep_access,
        restock=line.restock,
    )


def _audit_details(refund):
    items = [
        {"order_item_id": i.order_item_id, "quantity": i.quantity, "keep_access": i.keep_access, "restock": i.restock}
        for i in refund.items
    ]
    return {"refund_id": refund.id, "amount_cents": refund.amount_cents, "items": items}


def _send(order_id, refund_id):
    """Ask the gateway (outside any lock), then apply the items' effects; the dummy gateway confirms at once."""
    order, refund = db.session.get(Order, order_id), db.session.get(Refund, refund_id)
    gateway = get_gateway(order.gateway)
    try:
        refund.provider_refund_id = gateway.refund(order, refund)
    except PaymentGatewayError as error:
        _record_failure(order, refund, error)
        raise RefundRefused(str(error)) from error
    _apply_item_effects(order, refund)
    jobs.commit()
    if gateway.name == "dummy":
        _confirm_dummy_refund(order_id, refund_id)
    return db.session.get(Refund, refund_id)


def _record_failure(order, refund, error):
    refund.status = RefundStatus.FAILED.value
    refund.last_error = str(error)[:2000]
    orders.record_event(order, f"Refund of {format_money(refund.amount_cents, order.currency)} failed: {error}")
    jobs.commit()


def _apply_item_effects(order, refund):
    """Digital items lose their files unless kept, refunded units their licence keys; physical units chosen for
    restock go back on the shelf."""
    items = {item.id: item for item in order.items}
    revoke = [line.order_item_id for line in refund.items if items[line.order_item_id].kind == "digital"]
    revoke_entitlements(order, [item_id for item_id in revoke if not _kept(refund, item_id)])
    sync_licences(order)
    orders.return_to_stock(_restocked(refund, items))


def _kept(refund, item_id):
    return any(line.keep_access for line in refund.items if line.order_item_id == item_id)


def _restocked(refund, items):
    quantities = {}
    for line in refund.items:
        product_id = items[line.order_item_id].product_id
        if line.restock and product_id is not None:
            quantities[product_id] = quantities.get(product_id, 0) + line.quantity
    return quantities


def _confirm_dummy_refund(order_id, refund_id):
    """The dummy gateway's `charge.refunded`, delivered through the webhook code as Stripe's would be."""
    order, refund = db.session.get(Order, order_id), db.session.get(Refund, refund_id)
    total = order.amount_refunded_cents + refund.amount_cents
    handle_event(dummy.refunded_event(order, total), "dummy")
    jobs.commit()
