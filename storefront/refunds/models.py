from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class RefundStatus(StrEnum):
    # Asked of the gateway; the money is counted once the provider confirms (a succeeded refund or its webhook).
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(db.Model):
    """A refund an admin asked for. The money itself is recorded as payment events when the provider confirms;
    this row keeps the request: who, why, which items, and the idempotency key that makes a double click one refund."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PENDING.value)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    provider: Mapped[str] = mapped_column(String(16))
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["RefundItem"]] = relationship(
        back_populates="refund", cascade="all, delete-orphan", order_by="RefundItem.id"
    )


class RefundItem(db.Model):
    """Part of a refund that names an order item: how many, for how much, and what happens to access and stock."""

    __tablename__ = "refund_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    amount_cents: Mapped[int]
    # Digital items: whether the buyer keeps the files. Physical items: whether the units go back into stock.
    keep_access: Mapped[bool] = mapped_column(default=False)
    restock: Mapped[bool] = mapped_column(default=False)

    refund: Mapped[Refund] = relationship(back_populates="items")
