from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.status import PAYMENT_SETTLED, OrderStatus

_STATUS_VALUES = ", ".join(f"'{status.value}'" for status in OrderStatus)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
        CheckConstraint("kind IN ('digital', 'physical', 'mixed')", name="kind_known"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        # The admin orders table (storefront/orders/search.py): one index per filter and sort, each ending in the
        # keyset's (sort key, id) so a page is an index range scan however many orders there are.
        Index("ix_orders_created_id", "created_at", "id"),
        Index("ix_orders_status_created_id", "status", "created_at", "id"),
        Index("ix_orders_status_id", "status", "id"),
        Index("ix_orders_total_id", "total_cents", "id"),
        Index("ix_orders_kind_created_id", "kind", "created_at", "id"),
        Index("ix_orders_shipping_status_created", "requires_shipping", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.PENDING.value)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_cents: Mapped[int]
    discount_cents: Mapped[int] = mapped_column(default=0)
    shipping_cents: Mapped[int] = mapped_column(default=0)
    tax_cents: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int]
    requires_shipping: Mapped[bool] = mapped_column(default=False)
    # What the order holds, for the admin's filter: digital, physical or mixed (set when it is placed).
    kind: Mapped[str] = mapped_column(String(8), default="digital", server_default="digital")
    # True while this order's physical items are subtracted from stock.
    holds_stock: Mapped[bool] = mapped_column(default=False)
    shipping_name: Mapped[str | None] = mapped_column(String(200))
    shipping_address: Mapped[str | None] = mapped_column(Text)
    gateway: Mapped[str] = mapped_column(String(16))
    gateway_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # The promotion code whose discount the order carries (entered in the shop or on Stripe's page).
    promo_code_id: Mapped[int | None] = mapped_column(ForeignKey("promo_codes.id", ondelete="SET NULL"), index=True)
    # Set when the order came from the shopper's cart, which is emptied once the order is paid.
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The dashboard counts the orders paid in a period and ranks their products (storefront/orders/metrics.py).
    paid_at: Mapped[datetime | None] = mapped_column(index=True)
    # Money and goods disagree (paid after its stock was sold, paid twice for one cart, paid a different
    # amount): a person must look. Admins filter on this flag; the reason says what happened.
    needs_attention: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    attention_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )
    payment_events: Mapped[list["PaymentEvent"]] = relationship(order_by="PaymentEvent.id", viewonly=True)
    events: Mapped[list["OrderEvent"]] = relationship(order_by="OrderEvent.id", viewonly=True)

    @property
    def amount_paid_cents(self):
        return sum(e.amount_cents for e in self.payment_events if e.kind == PaymentEventKind.CHARGE_SUCCEEDED)

    @property
    def amount_refunded_cents(self):
        refunded = sum(e.amount_cents for e in self.payment_events if e.kind == PaymentEventKind.REFUND_SUCCEEDED)
        return refunded - sum(e.amount_cents for e in self.payment_events if e.kind == PaymentEventKind.REFUND_REVERSED)

    @property
    def is_settled(self):
        return OrderStatus(self.status) in PAYMENT_SETTLED


# Search in the admin orders table matches prefixes (storefront/orders/search.py). The pattern operator classes let
# Postgres answer `LIKE 'prefix%'` from these indexes under any database collation. The expression indexes exist on
# Postgres only: SQLite cannot reflect them, so every later batch migration of `orders` would warn and drop them.
Index("ix_orders_number_prefix", Order.number, postgresql_ops={"number": "varchar_pattern_ops"})
Index(
    "ix_orders_email_prefix",
    func.lower(Order.email).label("email_lower"),
    postgresql_ops={"email_lower": "text_pattern_ops"},
).ddl_if(dialect="postgresql")
Index(
    "ix_orders_shipping_name_prefix",
    func.lower(Order.shipping_name).label("shipping_name_lower"),
    postgresql_ops={"shipping_name_lower": "text_pattern_ops"},
).ddl_if(dialect="postgresql")


class OrderItem(db.Model):
    """A line as sold: title, price and kind are copied so the order reads the same after the product changes."""

    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    product_slug: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    unit_price_cents: Mapped[int]
    quantity: Mapped[int]
    # Copied from the cart: the buyer's text for a product rendered per order.
    personalisation: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    order: Mapped[Order] = relationship(back_populates="items")

    @property
    def line_total_cents(self):
        return self.unit_price_cents * self.quantity


class PaymentEventKind(StrEnum):
    CHARGE_SUCCEEDED = "charge_succeeded"
    CHARGE_FAILED = "charge_failed"
    REFUND_CREATED = "refund_created"
    REFUND_SUCCEEDED = "refund_succeeded"
    # A refund the provider had confirmed and then could not complete: its money came back to the shop.
    REFUND_REVERSED = "refund_reversed"


class PaymentEvent(db.Model):
    """Append-only record of money moving; the order's paid and refunded amounts are sums over these."""

    __tablename__ = "payment_events"
    # One row per provider object and kind: the same charge reported by two webhooks is recorded once.
    __table_args__ = (
        UniqueConstraint("provider", "provider_object_id", "kind", name="uq_payment_events_object_kind"),
        # The admin orders table's "has refunds" filter looks up the orders with a refund by kind.
        Index("ix_payment_events_kind_order", "kind", "order_id"),
        # The dashboard sums the money events (a few kinds) of a period: one index range per kind, not the table.
        Index("ix_payment_events_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[str] = mapped_column(String(16))
    provider_object_id: Mapped[str] = mapped_column(String(255))
    provider_event_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderEvent(db.Model):
    """The order's timeline: every status change and notable fact, never edited."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderNote(db.Model):
    """An admin's note on an order (a phone call, a promise made). The author's email is copied."""

    __tablename__ = "order_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_email: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
