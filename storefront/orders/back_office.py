"""What an admin does to one order from its panel, besides refunds and shipping: notes, resending the receipt,
looking after its download entitlements and renders, and settling a needs-attention flag.

Each function owns its rule and writes one audit row (who, what, before and after); none reads the request. Callers
own the transaction and commit through `storefront.jobs.commit`, so queued emails and jobs follow the commit.
"""

from datetime import timedelta

from sqlalchemy import func, select

from storefront.audit.services import record_admin_action
from storefront.clock import utcnow
from storefront.downloads import services as downloads
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.mail.models import EmailDelivery
from storefront.orders.models import OrderNote
from storefront.orders.services import record_event
from storefront.renders import services as renders

MAX_EXTEND_DAYS = 365


class ActionRefused(ValueError):
    """The action cannot be done to this order as it stands; the message is safe to show to an admin."""


def add_note(order, body, actor):
    """Keep an admin's note on the order (a phone call, a promise made)."""
    note = OrderNote(order_id=order.id, author_id=actor.id, author_email=actor.email, body=body.strip())
    db.session.add(note)
    db.session.flush()
    record_admin_action(actor, "order.note", note, "Added a note.", after={"body": note.body}, order=order)
    return note


def _resend_key(order):
    """A fresh unique key per resend: `queue_email` sends each key once, and the first receipt has its own."""
    prefix = f"order:{order.id}:confirmation:resend:"
    earlier = db.session.scalar(select(func.count(EmailDelivery.id)).where(EmailDelivery.unique_key.startswith(prefix)))
    return f"{prefix}{earlier + 1}"


def resend_receipt(order, actor):
    """Queue the order confirmation again, to the order's email. Refused before the order was paid."""
    if order.paid_at is None:
        raise ActionRefused("This order was never paid: there is no receipt to send.")
    delivery = queue_email("order_confirmation", _resend_key(order), order.email, order_id=order.id)
    record_admin_action(actor, "order.resend_receipt", order, f"Queued the receipt again to {order.email}.")
    return delivery


def _entitlement_state(entitlement):
    return {
        "download_count": entitlement.download_count,
        "expires_at": entitlement.expires_at.isoformat(),
    }


def _audit_entitlement(actor, action, entitlement, message, before):
    db.session.flush()
    after = _entitlement_state(entitlement)
    record_admin_action(actor, action, entitlement, message, before, after, order=entitlement.order_item.order)


def reissue_link(entitlement, actor):
    """A fresh download link with a full lifetime; the old link stops working. Refused once the entitlement is
    over (revoked, or its downloads used up: reset the count first)."""
    before = _entitlement_state(entitlement)
    if not downloads.refresh_link(entitlement):
        raise ActionRefused(f"{entitlement.file_name}: revoked or used up, so no new link can be made.")
    _audit_entitlement(actor, "entitlement.reissue", entitlement, f"New link for {entitlement.file_name}.", before)


def reset_download_count(entitlement, actor):
    """Give the buyer their full number of downloads again. A revoked entitlement stays revoked."""
    if entitlement.revoked_at is not None:
        raise ActionRefused(f"{entitlement.file_name} was revoked (refunded): its count cannot be reset.")
    before = _entitlement_state(entitlement)
    entitlement.download_count = 0
    message = f"Download count of {entitlement.file_name} reset."
    _audit_entitlement(actor, "entitlement.reset_count", entitlement, message, before)


def extend_expiry(entitlement, days, actor):
    """Push the link's expiry `days` later, counted from now when it has already run out."""
    if entitlement.revoked_at is not None:
        raise ActionRefused(f"{entitlement.file_name} was revoked (refunded): its link cannot be extended.")
    if not 1 <= days <= MAX_EXTEND_DAYS:
        raise ActionRefused(f"Extend by 1 to {MAX_EXTEND_DAYS} days.")
    before = _entitlement_state(entitlement)
    entitlement.expires_at = max(entitlement.expires_at, utcnow()) + timedelta(days=days)
    message = f"Link for {entitlement.file_name} extended by {days} day{'s' if days != 1 else ''}."
    _audit_entitlement(actor, "entitlement.extend", entitlement, message, before)


def rerun_render(rendition, actor):
    """Start a failed (or stuck) render over. Raises ActionRefused for one that is done."""
    before = {"status": rendition.status, "attempts": rendition.attempts}
    try:
        renders.render_again(rendition)
    except renders.CannotRenderAgain as refused:
        raise ActionRefused(str(refused)) from refused
    item = rendition.order_item
    message = f"Rendering {item.title} again."
    record_admin_action(
        actor, "rendition.render_again", rendition, message, before, {"status": rendition.status}, item.order
    )


def resolve_attention(order, note, actor):
    """Clear the needs-attention flag, saying how it was settled. The reason leaves the order (a new flag starts
    afresh) but stays on its timeline and in the audit row."""
    if not order.needs_attention:
        raise ActionRefused("This order does not need attention.")
    before = {"needs_attention": True, "attention_reason": order.attention_reason}
    order.needs_attention = False
    order.attention_reason = None
    record_event(order, f"Attention resolved: {note.strip()} (was: {before['attention_reason']})")
    after = {"needs_attention": False}
    record_admin_action(actor, "order.resolve_attention", order, note.strip(), before, after)
