"""Delivering queued emails (see `storefront.mail.queue_email`). Each kind names its template, its subject and
how to load what the template needs from the ids stored with the delivery."""

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail import render_email, send_email
from storefront.mail.models import DeliveryStatus, EmailDelivery
from storefront.orders.models import Order
from storefront.urls import external_url


def _order_context(delivery):
    order = db.session.get(Order, delivery.context["order_id"])
    return {"order": order, "link": external_url("orders.lookup", number=order.number)}


def _reset_context(_delivery):
    return {}


# kind -> (template name, subject, loader of the template's context)
KINDS = {
    "order_confirmation": ("order_confirmation", lambda c: f"Your order {c['order'].number}", _order_context),
    "password_reset": ("password_reset", lambda c: "Reset your password", _reset_context),
}


def deliver_email(delivery_id, secrets=None):
    """Render and send one queued email. A delivery already sent is skipped, so a job run twice sends once;
    a failure is recorded and re-raised so RQ retries it (and shows it failed after the last try)."""
    delivery = db.session.get(EmailDelivery, delivery_id)
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return
    template, subject, load_context = KINDS[delivery.kind]
    context = {**load_context(delivery), **(secrets or {})}
    delivery.attempts += 1
    try:
        send_email(render_email(template, delivery.to_address, subject(context), **context))
    except Exception as error:
        db.session.rollback()
        _record_failure(delivery_id, error)
        raise
    delivery.status = DeliveryStatus.SENT.value
    delivery.sent_at = utcnow()
    delivery.last_error = None
    db.session.commit()


def _record_failure(delivery_id, error):
    delivery = db.session.get(EmailDelivery, delivery_id)
    delivery.attempts += 1
    delivery.status = DeliveryStatus.FAILED.value
    delivery.last_error = f"{type(error).__name__}: {error}"
    db.session.commit()
