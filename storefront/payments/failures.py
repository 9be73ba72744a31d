"""Refused webhook deliveries, kept for the admin: when, why, from where, and what the body said it was.

Anyone can post to the webhook URL, so what is kept is bounded twice:
- in a burst: at most `PER_MINUTE` rows a minute. Past that, each refusal adds 1 to the `repeats` of the minute's
  last row instead of writing a row, so a flood of forged deliveries costs one UPDATE each and the table grows by
  `PER_MINUTE` rows a minute at most. The count before the insert is not locked, so workers racing at the cap may
  each add one row more: the bound is the cap plus the number of workers, which is enough;
- in time: rows older than `KEEP` are deleted by a periodic job (storefront/periodic.py).
The body of a refused delivery is not trusted, so only its size and a short printable prefix are stored.
"""

import json
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.payments.models import WebhookFailure

PER_MINUTE = 20
KEEP = timedelta(days=30)
PREFIX_CHARS = 40
# The dashboard counts refusals over this many days.
RECENT = timedelta(days=7)


def record_refusal(provider, reason, source_address, body=b"", body_size=None, now=None):
    """Note one refused delivery (the caller commits). `body` is the raw payload as read, if it was read at all;
    `body_size` the declared size of a body that was not read."""
    now = now or utcnow()
    minute = now.replace(second=0, microsecond=0)
    written, last_id = db.session.execute(
        select(func.count(WebhookFailure.id), func.max(WebhookFailure.id)).where(WebhookFailure.received_at >= minute)
    ).one()
    if written >= PER_MINUTE:
        db.session.execute(
            update(WebhookFailure).where(WebhookFailure.id == last_id).values(repeats=WebhookFailure.repeats + 1)
        )
        return
    event_id, event_type = _claimed_identity(body)
    db.session.add(
        WebhookFailure(
            provider=provider,
            received_at=now,
            reason=reason[:200],
            source_address=(source_address or "")[:45] or None,
            event_id=event_id,
            event_type=event_type,
            body_size=len(body) if body_size is None else body_size,
            body_prefix=_printable_prefix(body),
        )
    )


def _claimed_identity(body):
    """The event id and type the body claims (unverified), or None for each that it does not state as text."""
    try:
        claimed = json.loads(body) if body else None
    except ValueError:
        return None, None
    if not isinstance(claimed, dict):
        return None, None
    event_id, event_type = claimed.get("id"), claimed.get("type")
    return (
        event_id[:255] if isinstance(event_id, str) and event_id else None,
        event_type[:100] if isinstance(event_type, str) and event_type else None,
    )


def _printable_prefix(body):
    text = body[: PREFIX_CHARS * 4].decode("utf-8", errors="replace")
    return "".join(char if char.isprintable() else " " for char in text)[:PREFIX_CHARS]


def recent_refusals_count():
    """A scalar subquery: refusals over the last `RECENT` days, repeats included (the dashboard's count)."""
    since = utcnow() - RECENT
    total = select(func.coalesce(func.sum(WebhookFailure.repeats), 0)).where(WebhookFailure.received_at >= since)
    return total.scalar_subquery()


def refusals_newest_first():
    return select(WebhookFailure).order_by(WebhookFailure.received_at.desc(), WebhookFailure.id.desc())


def prune(now=None):
    """Delete refusals older than `KEEP`; returns how many rows went."""
    cutoff = (now or utcnow()) - KEEP
    deleted = db.session.execute(delete(WebhookFailure).where(WebhookFailure.received_at < cutoff)).rowcount
    db.session.commit()
    return deleted


def prune_webhook_failures_job():
    """Periodic: forget refused webhook deliveries older than KEEP."""
    return prune()
