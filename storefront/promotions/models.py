from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.extensions import db


class PromoKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class PromoCode(db.Model):
    """A code shoppers type at checkout. Codes are stored upper-case, so they match however they are typed."""

    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        CheckConstraint(
            "(kind = 'percent' AND percent_off BETWEEN 1 AND 100 AND amount_off_cents IS NULL) OR "
            "(kind = 'fixed' AND amount_off_cents > 0 AND percent_off IS NULL)",
            name="discount_matches_kind",
        ),
        CheckConstraint("min_subtotal_cents >= 0", name="min_subtotal_not_negative"),
        CheckConstraint("max_redemptions IS NULL OR max_redemptions > 0", name="max_redemptions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    percent_off: Mapped[int | None]
    amount_off_cents: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3))
    min_subtotal_cents: Mapped[int] = mapped_column(default=0)
    max_redemptions: Mapped[int | None]
    expires_at: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set once the code exists at Stripe (storefront.promotions.tasks.sync_promo_code).
    stripe_coupon_id: Mapped[str | None] = mapped_column(String(255))
    stripe_promotion_code_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
