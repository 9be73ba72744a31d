"""Delivering queued emails (see `storefront.mail.queue_email`). Each kind names its template, its subject and
how to load what the template needs from the ids stored with the delivery."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from storefront.account import emails as change_emails
from storefront.accounts import emails as account_emails
from storefront.clock import utcnow
from storefront.events_log import events, mask_email
from storefront.extensions import db
from storefront.logs import bind_order
from storefront.mail import render_email, send_email
from storefront.mail.models import DeliveryStatus, EmailDelivery
from storefront.mailings import emails as mailing_emails
from storefront.mailings import preferences
from storefront.orders.models import Order
from storefront.urls import external_url


@dataclass(frozen=True)
class Kind:
    template: str
    subject: Callable[[dict], str]
    load_context: Callable[[EmailDelivery], dict]
    # The message carries a secret (a one-time link) that only the job's arguments hold, never the database.
    needs_secrets: bool = False
    # Makes the message's secrets (a reset code) as the job writes it, so no job argument or stored row holds them.
    mint_secrets: Callable[[EmailDelivery], dict] | None = None
    # A consented mailing (storefront.mailings.preferences.MAILINGS): it carries the recipient's unsubscribe link and
    # headers, and is skipped once they unsubscribed.
    mailing: str | None = None
    # False when what the message is about no longer holds (a reminded cart bought since): it is skipped.
    still_wanted: Callable[[EmailDelivery], bool] | None = None


class DeliveryFailed(Exception):
    """Sending a message that carried a secret failed; the message is the original error with the secret redacted."""


class MissingSecrets(Exception):
    """A message that needs its one-time link was asked to go out without it."""


def _order_context(delivery):
    order = db.session.get(Order, delivery.context["order_id"])
    if order is None:
        raise LookupError(f"order {delivery.context['order_id']} no longer exists")
    return {"order": order, "link": external_url("orders.lookup", number=order.number)}


def _refund_context(delivery):
    return {
        **_order_context(delivery),
        "amount_cents": delivery.context["amount_cents"],
        "total_refunded_cents": delivery.context["total_refunded_cents"],
    }


def _shipment_context(delivery):
    tracking = {key: delivery.context[key] for key in ("carrier", "tracking_number", "tracking_url")}
    # Older deliveries (one per order) did not record which items left.
    return {**_order_context(delivery), **tracking, "items": delivery.context.get("items", [])}


KINDS = {
    "order_confirmation": Kind("order_confirmation", lambda c: f"Your order {c['order'].number}", _order_context),
    "downloads_ready": Kind(
        "downloads_ready", lambda c: f"Your downloads for order {c['order'].number} are ready", _order_context
    ),
    "refund_issued": Kind("refund_issued", lambda c: f"Refund for order {c['order'].number}", _refund_context),
    "licence_keys_ready": Kind(
        "licence_keys_ready", lambda c: f"Your licence keys for order {c['order'].number}", _order_context
    ),
    "order_shipped": Kind("order_shipped", lambda c: f"Order {c['order'].number} has shipped", _shipment_context),
    "password_reset": Kind(
        "password_reset",
        lambda c: "Reset your password",
        account_emails.reset_context,
        mint_secrets=account_emails.reset_code_secrets,
    ),
    "password_reset_unavailable": Kind(
        "password_reset_unavailable", lambda c: "Your password reset request", account_emails.unavailable_reset_context
    ),
    "welcome": Kind(
        "welcome",
        lambda c: "Confirm your email to start",
        account_emails.account_context,
        mint_secrets=account_emails.confirmation_secrets,
    ),
    "account_exists": Kind(
        "account_exists", lambda c: "Someone tried to register with your email", account_emails.account_context
    ),
    "email_change_requested": Kind(
        "email_change_requested",
        lambda c: "A change of your email was asked for",
        change_emails.change_requested_context,
    ),
    "email_change_confirm": Kind(
        "email_change_confirm",
        lambda c: "Confirm your new email address",
        change_emails.change_confirm_context,
        mint_secrets=change_emails.change_confirm_secrets,
    ),
    "account_deleted": Kind("account_deleted", lambda c: "Your account has been deleted", lambda delivery: {}),
    "email_change_taken": Kind(
        "email_change_taken",
        lambda c: "Someone tried to move an account to your email",
        account_emails.account_context,
    ),
    "file_update": Kind(
        "file_update",
        lambda c: f"A new version of {c['product_title']} is available",
        mailing_emails.file_update_context,
        mailing=preferences.FILE_UPDATES,
        still_wanted=mailing_emails.file_update_wanted,
    ),
    "cart_reminder": Kind(
        "cart_reminder",
        lambda c: "You left something in your cart",
        mailing_emails.cart_reminder_context,
        mint_secrets=mailing_emails.cart_restore_secrets,
        mailing=preferences.CART_REMINDERS,
        still_wanted=mailing_emails.cart_reminder_wanted,
    ),
}


def deliver_email(delivery_id, secrets=None):
    """Render and send one queued email. A delivery already sent is skipped, so a job run twice sends once;
    a failure is recorded (attempts, last error, status failed) and re-raised so RQ retries it.

    The row is locked while sending (on Postgres), so two copies of the job running at once send it once."""
    delivery = db.session.scalar(select(EmailDelivery).where(EmailDelivery.id == delivery_id).with_for_update())
    if delivery is None or delivery.status in {DeliveryStatus.SENT, DeliveryStatus.SKIPPED}:
        db.session.rollback()
        return
    if not _still_wanted(delivery):
        _skip(delivery)
        return
    _bind_order(delivery)
    try:
        secrets = secrets or _mint_secrets(delivery)
        send_email(_render(delivery, secrets))
    except Exception as error:
        db.session.rollback()
        _record_failure(delivery_id, error, secrets)
        if secrets:
            # The job record, RQ's failed registry and the worker's log keep the error: only its redacted text.
            raise DeliveryFailed(_redact(f"{type(error).__name__}: {error}", secrets)) from None
        raise
    delivery.attempts += 1
    delivery.status = DeliveryStatus.SENT.value
    delivery.sent_at = utcnow()
    delivery.last_error = None
    kind, recipient = delivery.kind, mask_email(delivery.to_address)
    db.session.commit()
    events.info("email sent: %s to %s", kind, recipient)


def _still_wanted(delivery):
    """A consented mailing goes only to a recipient who has not unsubscribed, about something that still holds."""
    kind = KINDS[delivery.kind]
    if kind.mailing and preferences.is_unsubscribed(delivery.to_address, kind.mailing):
        return False
    return kind.still_wanted is None or kind.still_wanted(delivery)


def _skip(delivery):
    delivery.status = DeliveryStatus.SKIPPED.value
    kind, recipient = delivery.kind, mask_email(delivery.to_address)
    db.session.commit()
    events.info("email skipped: %s to %s (unsubscribed, or no longer relevant)", kind, recipient)


def _bind_order(delivery):
    order_id = (delivery.context or {}).get("order_id")
    order = db.session.get(Order, order_id) if order_id else None
    if order is not None:
        bind_order(order.number)


def _mint_secrets(delivery):
    mint = KINDS[delivery.kind].mint_secrets
    return mint(delivery) if mint else None


def _render(delivery, secrets):
    kind = KINDS[delivery.kind]
    if kind.needs_secrets and not secrets:
        raise MissingSecrets(f"a {delivery.kind} email needs its one-time link, which only the original job had")
    context = {**kind.load_context(delivery), **(secrets or {})}
    headers = None
    if kind.mailing:
        context["unsubscribe_url"] = preferences.unsubscribe_url(delivery.to_address, kind.mailing)
        headers = preferences.list_headers(delivery.to_address, kind.mailing)
    return render_email(kind.template, delivery.to_address, kind.subject(context), headers, **context)


def _record_failure(delivery_id, error, secrets):
    delivery = db.session.get(EmailDelivery, delivery_id)
    delivery.attempts += 1
    delivery.status = DeliveryStatus.FAILED.value
    delivery.last_error = _redact(f"{type(error).__name__}: {error}", secrets)[:2000]
    db.session.commit()


def _redact(text, secrets):
    """An error message may quote what it failed on; a secret must not reach the database through it."""
    for value in (secrets or {}).values():
        if isinstance(value, str) and value:
            text = text.replace(value, "[redacted]")
    return text
