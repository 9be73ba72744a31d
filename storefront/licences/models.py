"""Licence keys: a product's policy (none, generated, drawn from a pool), the keys themselves, and what each sold
order item is owed."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class LicenceMode(StrEnum):
    NONE = "none"
    GENERATED = "generated"
    POOL = "pool"


class LicencePolicy(db.Model):
    """How a product issues licence keys: one per purchased unit, generated or drawn from its pool. No row: none."""

    __tablename__ = "licence_policies"
    __table_args__ = (CheckConstraint("mode IN ('none', 'generated', 'pool')", name="mode_known"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default=LicenceMode.NONE.value)
    # Product.licence_policy (None without a policy), so listings (the cart) load every line's policy at once.
    product = relationship(
        "Product", backref=backref("licence_policy", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LicenceKey(db.Model):
    """One key. A pool key waits with no order item until drawn; a generated key is born issued. Revoked keys keep
    their unit, so a refund never frees a unit for a second key."""

    __tablename__ = "licence_keys"
    __table_args__ = (
        # A unit of an item holds one key: a second issuer racing for the same unit fails here, not silently.
        UniqueConstraint("order_item_id", "unit", name="uq_licence_keys_item_unit"),
        # Drawing looks for a product's unissued keys.
        Index("ix_licence_keys_product_item", "product_id", "order_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    order_item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    unit: Mapped[int | None]
    issued_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product = relationship("Product")


class LicenceGrant(db.Model):
    """An order item owed `units` keys, recorded when its order was paid (so a policy set later owes nothing to
    earlier buyers). Keys missing for it are pending until its product's pool is refilled."""

    __tablename__ = "licence_grants"
    __table_args__ = (CheckConstraint("units > 0", name="units_positive"),)

    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    units: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
