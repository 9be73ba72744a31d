from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from storefront import jobs
from storefront.extensions import csrf, db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments import bp, dummy, failures
from storefront.payments.webhooks import WebhookRejected, handle_event, verify_stripe_event


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's webhook: verify the signature on the raw body, act once per event id, answer fast. Every refusal
    is noted for the admin's "failed webhooks" page (storefront/payments/failures.py)."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret:
        current_app.logger.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        _note_refusal("STRIPE_WEBHOOK_SECRET is not set", body_size=request.content_length or 0)
        return {"error": "webhooks are not configured"}, 503
    # Stripe's events are a few KiB; an unsigned flood of megabytes is refused before it is read or verified. A
    # chunked body has no Content-Length to check first: it is read only up to the limit, and refused if it fills it.
    max_bytes = 256 * 1024
    request.max_content_length = max_bytes
    if (request.content_length or 0) > max_bytes or len(request.get_data()) >= max_bytes:
        _note_refusal("payload too large", body_size=request.content_length or max_bytes)
        return {"error": "payload too large"}, 413
    try:
        event = verify_stripe_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    except WebhookRejected as rejected:
        current_app.logger.warning("rejected a Stripe webhook: %s", rejected)
        _note_refusal(str(rejected), body=request.get_data())
        return {"error": "invalid signature or payload"}, 400
    handled = handle_event(event, "stripe")
    jobs.commit()
    return {"received": True, "duplicate": not handled}


def _note_refusal(reason, **body):
    failures.record_refusal("stripe", reason, request.remote_addr, **body)
    db.session.commit()


def _dummy_order(session_id):
    order = db.session.scalar(select(Order).where(Order.gateway_session_id == session_id, Order.gateway == "dummy"))
    if order is None:
        abort(404)
    return order


def _render_dummy(order, form, status=200, error=None):
    return render_template("payments/dummy_checkout.html", order=order, form=form, error=error), status


@bp.get("/dummy/<session_id>")
def dummy_checkout(session_id):
    """The dummy gateway's "hosted checkout" page: clearly a test, no money moves."""
    return _render_dummy(_dummy_order(session_id), dummy.ShippingAddressForm())


@bp.post("/dummy/<session_id>")
def dummy_pay(session_id):
    order = _dummy_order(session_id)
    form = dummy.ShippingAddressForm()
    action = request.form.get("action")
    if action not in DUMMY_ACTIONS:
        return _render_dummy(order, form, 400, "Choose one of the buttons.")
    if order.status != OrderStatus.PENDING:
        return redirect(url_for("checkout.complete", number=order.number), code=303)
    if action in {"pay", "pay_slowly"} and order.requires_shipping and not form.validate():
        return _render_dummy(order, form, 422, "Enter the shipping address.")
    return DUMMY_ACTIONS[action](order, form)


def _deliver(event):
    handle_event(event, "dummy")
    jobs.commit()


def _pay(order, form, payment_status="paid"):
    shipping = form.shipping_details() if order.requires_shipping else None
    _deliver(dummy.session_event("checkout.session.completed", order, payment_status, shipping))
    return redirect(url_for("checkout.complete", number=order.number), code=303)


def _pay_slowly(order, form):
    return _pay(order, form, payment_status="unpaid")


def _decline(order, form):
    _deliver(dummy.declined_event(order))
    return _render_dummy(order, form, 402, "Your card was declined. Try again, or go back to the shop.")


def _settle(event_type):
    def settle(order, _form):
        _deliver(dummy.session_event(event_type, order, "paid" if event_type.endswith("succeeded") else "unpaid"))
        return redirect(url_for("checkout.complete", number=order.number), code=303)

    return settle


DUMMY_ACTIONS = {
    "pay": _pay,
    "pay_slowly": _pay_slowly,
    "decline": _decline,
    "settle_succeeded": _settle("checkout.session.async_payment_succeeded"),
    "settle_failed": _settle("checkout.session.async_payment_failed"),
}
