from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.extensions import db


class CartStatus(StrEnum):
    ACTIVE = "active"
    ABANDONED = "abandoned"


class Cart(db.Model):
    """A server-side cart, found by the guest cookie's token or by its user."""

    __tablename__ = "carts"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'abandoned')", name="status_known"),
        Index("ix_carts_status_touched", "status", "touched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CartStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on every change; carts untouched for CART_ABANDON_AFTER_HOURS are marked abandoned.
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The shopper ticked "remind me about this cart" (never pre-ticked): where to write, and when they agreed.
    # One reminder at most (storefront.cart.reminders); reminder_sent_at records it.
    reminder_email: Mapped[str | None] = mapped_column(String(254))
    reminder_consent_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]

    items: Mapped[list["CartItem"]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.id"
    )

    @property
    def quantity(self):
        return sum(item.quantity for item in self.items)


class CartItem(db.Model):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id", name="uq_cart_items_cart_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    # The price the shopper saw when adding; checkout always charges the product's current price.
    seen_price_cents: Mapped[int]
    # What the buyer typed into a personalised product's fields, by field label.
    personalisation: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
