from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.extensions import db


class OutboxMessage(db.Model):
    """An email kept in the database instead of sent: the default mail backend, readable in the admin."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Extra headers the message carried (List-Unsubscribe on consented mailings); None for plain messages.
    headers: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    # Not sent on purpose: the recipient unsubscribed, or what it was about no longer holds (a cart since bought).
    SKIPPED = "skipped"


class EmailDelivery(db.Model):
    """One transactional email to send, at most once: the unique key names what it is about, such as
    `order:42:confirmation`, so a job that runs twice finds the row and sends nothing more."""

    __tablename__ = "email_deliveries"
    __table_args__ = (CheckConstraint("status IN ('queued', 'sent', 'failed', 'skipped')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unique_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Ids the template needs (never secrets: a reset link travels only in the job's arguments).
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
