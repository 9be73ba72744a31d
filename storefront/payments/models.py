from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.extensions import db


class WebhookEvent(db.Model):
    """Every provider event we acted on. The unique key makes a redelivered event a no-op."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_webhook_events_provider_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookFailure(db.Model):
    """A webhook delivery we refused (bad signature, not an event, too large, webhooks not configured), kept so an
    admin can see that Stripe, or someone else, is knocking. The payload was not verified, so only its size and a
    short printable prefix are kept, never the body; the event's id and type only when the body could be read.

    `repeats` is how many refusals the row stands for: more than 1 only on the last row a minute may write (see
    storefront/payments/failures.py)."""

    __tablename__ = "webhook_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(200))
    source_address: Mapped[str | None] = mapped_column(String(45))
    event_id: Mapped[str | None] = mapped_column(String(255))
    event_type: Mapped[str | None] = mapped_column(String(100))
    body_size: Mapped[int] = mapped_column(default=0)
    body_prefix: Mapped[str] = mapped_column(String(40), default="")
    repeats: Mapped[int] = mapped_column(default=1)
