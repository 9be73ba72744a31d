"""Admin: refunding an order inline, in its panel's refund section. Three steps, each answering with the section:
the form, the confirmation (exactly what will happen), and the refund itself. While a refund waits for the
provider's confirmation the section polls itself and stops (286) once none is pending."""

import secrets

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from storefront.admin import bp
from storefront.extensions import db
from storefront.htmx import STOP_POLLING, is_htmx, render_page_or_fragment
from storefront.integers import parse_int
from storefront.money import parse_major_amount
from storefront.orders.models import Order
from storefront.refunds.models import Refund, RefundStatus
from storefront.refunds.services import (
    Actor,
    RefundRefused,
    RefundRequest,
    issue_refund,
    plan_refund,
    refundable_cents,
)

SECTION = "admin/orders/_partials/refund_section.html"
PAGE = "admin/orders/refund_page.html"
INVALID = 422


@bp.app_template_global()
def refunds_of(order):
    """The order's refunds, newest first, for the refund section."""
    return db.session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id.desc())).all()


@bp.app_template_global()
def refund_left_cents(order):
    return refundable_cents(order)


def _order(number):
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort(404)
    return order


def _section(order, status=200, **context):
    """The section for htmx; without JavaScript the same section on a page of its own."""
    return render_page_or_fragment(PAGE, SECTION, status=status, order=order, **context)


@bp.get("/orders/<number>/refunds")
def refund_section(number):
    """The section on its own (it polls this while a refund is pending)."""
    order = _order(number)
    response = _section(order)
    pending = any(refund.status == RefundStatus.PENDING for refund in refunds_of(order))
    if is_htmx() and not pending:
        response.status_code = STOP_POLLING
    return response


@bp.post("/orders/<number>/refund/preview")
def refund_preview(number):
    """Step two: show exactly what the refund will do, with a fresh idempotency key for the confirm button."""
    order = _order(number)
    try:
        plan = plan_refund(order, parse_refund_request(request.form, order))
    except RefundRefused as refused:
        return _section(order, INVALID, refund_error=str(refused), refund_form=request.form, refund_open=True)
    return _section(order, refund_plan=plan, refund_form=request.form, refund_key=secrets.token_urlsafe(24))


@bp.post("/orders/<number>/refund")
def refund_confirm(number):
    """Step three: refund. The key from the confirmation makes a double click (or a resubmit) one refund."""
    order = _order(number)
    key = request.form.get("key", "")
    if not 16 <= len(key) <= 64:
        return _section(
            order, 400, refund_error="This confirmation is incomplete; start the refund again.", refund_open=True
        )
    try:
        refund_request = parse_refund_request(request.form, order)
    except RefundRefused as refused:
        return _section(order, INVALID, refund_error=str(refused), refund_form=request.form, refund_open=True)
    return _issue(order.id, refund_request, key, number)


def _issue(order_id, refund_request, key, number):
    actor = Actor(id=current_user.id, email=current_user.email)
    db.session.rollback()  # nothing read before the refund's lock (see issue_refund)
    try:
        refund = issue_refund(order_id, refund_request, actor, key)
    except RefundRefused as refused:
        return _section(_order(number), 409, refund_error=str(refused), refund_open=True)
    return _section(_order(number), refund_done=refund)


def parse_refund_request(form, order):
    """The refund the form asks for; raises RefundRefused for a malformed amount or quantity."""
    mode = form.get("mode", "")
    return RefundRequest(
        mode=mode,
        reason=form.get("reason", ""),
        amount_cents=_amount(form, order) if mode == "amount" else None,
        quantities=_quantities(form, order) if mode == "items" else {},
        keep_access=frozenset(item.id for item in order.items if form.get(f"keep-{item.id}")),
        restock=frozenset(item.id for item in order.items if form.get(f"restock-{item.id}")),
    )


def _amount(form, order):
    try:
        return parse_major_amount(form.get("amount", ""), order.currency)
    except ValueError as problem:
        raise RefundRefused(f"The amount {problem}.") from None


def _quantities(form, order):
    quantities = {}
    for item in order.items:
        raw = form.get(f"qty-{item.id}", "").strip() or "0"
        quantity = parse_int(raw, 0, item.quantity)
        if quantity is None:
            raise RefundRefused(f"Refund between 0 and {item.quantity} of “{item.title}”.")
        quantities[item.id] = quantity
    return quantities
