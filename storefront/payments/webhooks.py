"""Provider events, verified and applied once. Stripe's webhooks and the dummy gateway both come through here.

Events may arrive twice, late or out of order; each handler leaves the order in the state the money says.
"""

import json

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront import jobs
from storefront.events_log import events
from storefront.extensions import db
from storefront.integers import MAX_ID, parse_int
from storefront.money import format_money
from storefront.orders import services as orders
from storefront.orders.models import Order, PaymentEventKind
from storefront.orders.status import OrderStatus
from storefront.payments.gateways import get_gateway
from storefront.payments.models import WebhookEvent
from storefront.promotions.models import PromoCode
from storefront.refunds import ledger as refunds

SIGNATURE_TOLERANCE_SECONDS = 300
PAID_SESSION_STATES = {"paid", "no_payment_required"}


class WebhookRejected(Exception):
    """The payload is not a genuine, fresh provider event."""


def verify_stripe_event(payload, signature_header, secret):
    """Check the Stripe-Signature header against the raw body; returns the event as a dict or raises WebhookRejected."""
    if not signature_header:
        raise WebhookRejected("missing Stripe-Signature header")
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise WebhookRejected(str(error)) from None
    if not _is_event(event):
        raise WebhookRejected("not an event object")
    return event


def _is_event(event):
    """Stripe's event shape as far as the handlers rely on it: a non-empty text id, a text type, a data.object."""
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        return False
    has_id = isinstance(event.get("id"), str) and event["id"] != ""
    return has_id and isinstance(event.get("type"), str) and isinstance(event["data"].get("object"), dict)


def _first_delivery(provider, event):
    # A plain insert rather than a savepoint: on SQLite a SAVEPOINT opening the transaction is committed by its
    # RELEASE, so a failing handler would leave the event marked as handled and Stripe's retry would be dropped.
    # The insert also takes SQLite's write lock, so concurrent deliveries are handled one after another there.
    db.session.add(WebhookEvent(provider=provider, event_id=event["id"], event_type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        jobs.rollback()
        return False
    return True


def handle_event(event, provider):
    """Apply `event` once; returns False for a delivery we had already handled. The caller commits.

    Call it before changing anything in the session: a duplicate delivery rolls the session back.
    """
    if not _first_delivery(provider, event):
        events.info("webhook %s %s (%s): already handled", event["type"], event["id"], provider)
        return False
    events.info("webhook %s %s (%s)", event["type"], event["id"], provider)
    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler(event["data"]["object"], provider, event["id"])
    return True


def _metadata_order_id(value):
    """An order id from provider metadata (signed, but still text): ASCII digits within the id column, or None."""
    return parse_int(str(value), 1, MAX_ID) if value else None


def _order_for_session(session):
    order_id = _metadata_order_id((session.get("metadata") or {}).get("order_id"))
    if order_id is None:
        return None
    order = orders.lock_order(order_id)
    if order is None or order.number != session.get("client_reference_id"):
        current_app.logger.warning("checkout session %s names no order of ours", session.get("id"))
        return None
    return order


def _record_session_payment(order, session, kind, provider, event_id):
    """Record the session's amount as a payment event of `kind`; False when it was recorded already."""
    return orders.record_payment(
        order,
        kind,
        session.get("amount_total") or 0,
        session.get("currency") or order.currency,
        provider,
        session.get("payment_intent") or session["id"],
        event_id,
    )


def _record_charge(order, session, provider, event_id):
    """Record the session's charge and mark the order paid; a charge already recorded (by the other of
    `completed` / `async_payment_succeeded`) was marked paid in that same transaction, so nothing more happens.

    A charge that does not match the order's total is recorded but flagged for a person. Less than the total (or
    another currency) leaves the order unpaid, so nothing is delivered for a short payment; more marks it paid."""
    if not _record_session_payment(order, session, PaymentEventKind.CHARGE_SUCCEEDED, provider, event_id):
        return
    amount, currency = session.get("amount_total") or 0, (session.get("currency") or "").upper()
    if (amount, currency) != (order.total_cents, order.currency):
        orders.flag_attention(order, _mismatch(order, amount, currency))
    if currency == order.currency and amount >= order.total_cents:
        orders.mark_paid(order, "Payment received.")


def _mismatch(order, amount, currency):
    paid = format_money(amount, currency) if len(currency) == 3 else f"{amount} (no currency)"
    return f"The provider collected {paid}, but the order totals {format_money(order.total_cents, order.currency)}."


def _save_shipping(order, session):
    details = (session.get("collected_information") or {}).get("shipping_details") or session.get("shipping_details")
    if not details:
        return
    address = details.get("address") or {}
    parts = [address.get(key) for key in ("line1", "line2", "postal_code", "city", "state", "country")]
    order.shipping_name = details.get("name")
    order.shipping_address = "\n".join(part for part in parts if part)


def _save_discount(order, session):
    """A promotion code entered on Stripe's page lowers what the shopper pays: the order's totals follow it."""
    discount = (session.get("total_details") or {}).get("amount_discount") or 0
    order.promo_code_id = order.promo_code_id or _promo_code_id(session)
    if not discount or discount == order.discount_cents:
        return
    order.discount_cents = discount
    order.total_cents = order.subtotal_cents - discount + order.shipping_cents + order.tax_cents
    amount = format_money(discount, order.currency)
    orders.record_event(order, f"Promotion code applied at checkout: {amount} off.")


def _promo_code_id(session):
    """Our code for the Stripe promotion code the session applied (entered on Stripe's page), or None."""
    applied = [d.get("promotion_code") for d in session.get("discounts") or [] if isinstance(d, dict)]
    stripe_ids = [value for value in applied if isinstance(value, str) and value]
    if not stripe_ids:
        return None
    return db.session.scalar(select(PromoCode.id).where(PromoCode.stripe_promotion_code_id == stripe_ids[0]))


def on_session_completed(session, provider, event_id):
    order = _order_for_session(session)
    if order is None:
        return
    order.payment_intent_id = session.get("payment_intent") or order.payment_intent_id
    _save_shipping(order, session)
    _save_discount(order, session)
    if session.get("payment_status") in PAID_SESSION_STATES:
        _record_charge(order, session, provider, event_id)
    else:
        orders.record_event(order, "Checkout completed; the payment method is still confirming.")


def on_async_payment_succeeded(session, provider, event_id):
    order = _order_for_session(session)
    if order is not None:
        _record_charge(order, session, provider, event_id)


def on_async_payment_failed(session, provider, event_id):
    order = _order_for_session(session)
    if order is None:
        return
    _record_session_payment(order, session, PaymentEventKind.CHARGE_FAILED, provider, event_id)
    orders.give_up(order, OrderStatus.FAILED, "The payment failed.")


def on_session_expired(session, provider, event_id):
    order = _order_for_session(session)
    if order is not None:
        orders.give_up(order, OrderStatus.EXPIRED, "The checkout session expired without payment.")


def on_payment_failed(intent, provider, event_id):
    """A declined attempt: recorded, but the checkout stays open for another try until it expires."""
    order_id = _metadata_order_id((intent.get("metadata") or {}).get("order_id"))
    order = orders.lock_order(order_id) if order_id is not None else None
    if order is None:
        return
    error = (intent.get("last_payment_error") or {}).get("message") or "declined"
    orders.record_payment(
        order,
        PaymentEventKind.CHARGE_FAILED,
        intent.get("amount") or 0,
        intent.get("currency") or order.currency,
        provider,
        intent.get("latest_charge") or event_id,
        event_id,
    )
    orders.record_event(order, f"A payment attempt failed: {error}")


def _order_for_payment_intent(payment_intent_id, provider):
    order_id = db.session.scalar(select(Order.id).where(Order.payment_intent_id == payment_intent_id))
    if order_id is None:
        # The refund can overtake the completion event; the intent's metadata still names the order.
        found = get_gateway(provider).order_id_for_payment_intent(payment_intent_id)
        order_id = _metadata_order_id(found)
    return orders.lock_order(order_id) if order_id is not None else None


def on_charge_refunded(charge, provider, event_id):
    """Record what this charge has had refunded in total; older, smaller totals arriving late change nothing."""
    order = _order_for_payment_intent(charge.get("payment_intent"), provider) if charge.get("payment_intent") else None
    if order is None:
        return
    new_refund = (charge.get("amount_refunded") or 0) - order.amount_refunded_cents
    if new_refund <= 0:
        return
    orders.record_payment(
        order,
        PaymentEventKind.REFUND_SUCCEEDED,
        new_refund,
        charge.get("currency") or order.currency,
        provider,
        f"{charge['id']}@{charge['amount_refunded']}",
        event_id,
    )
    refunds.settle_pending_refunds(order.id, new_refund)
    orders.record_event(order, "A refund was issued by the payment provider.")
    events.info("order refunded: %s, %s", order.number, format_money(new_refund, order.currency))
    orders.apply_refunds(order)


def on_refund_failed(refund_object, provider, event_id):
    """Stripe could not complete a refund it had accepted (the card was closed, say): the reserved amount is freed,
    and since the refund's items already lost their files or went back into stock, a person must look."""
    if refund_object.get("status") != "failed":
        return
    refund, before = refunds.failed_by_provider(refund_object.get("id"), refund_object.get("failure_reason") or "")
    if refund is None:
        return
    order = orders.lock_order(refund.order_id)
    if before is refunds.RefundStatus.SUCCEEDED:
        reversed_ = PaymentEventKind.REFUND_REVERSED
        amount, currency = refund.amount_cents, refund.currency
        orders.record_payment(order, reversed_, amount, currency, provider, refund_object["id"], event_id)
    amount = format_money(refund.amount_cents, order.currency)
    orders.flag_attention(order, f"The provider could not complete a refund of {amount} ({refund.last_error}).")


HANDLERS = {
    "checkout.session.completed": on_session_completed,
    "checkout.session.async_payment_succeeded": on_async_payment_succeeded,
    "checkout.session.async_payment_failed": on_async_payment_failed,
    "checkout.session.expired": on_session_expired,
    "payment_intent.payment_failed": on_payment_failed,
    "charge.refunded": on_charge_refunded,
    "refund.updated": on_refund_failed,
    "refund.failed": on_refund_failed,
}
