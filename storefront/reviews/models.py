"""A buyer's review of a product: stars, plain text, and where it stands in moderation."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Review(db.Model):
    """One review per buyer and product. Only approved ones are shown to shoppers and counted in the product's
    rating (denormalised on the product: storefront.reviews.services.refresh_rating).

    `body` is plain text as typed (control characters removed); templates escape it, so markup shows as text.
    After the author's account is deleted (`anonymise_for_user`), `user_id` is NULL and the review reads as written
    by "A former customer"."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_in_range"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
        # The product page lists a product's approved reviews newest first; the admin table filters by status.
        Index("ix_reviews_product_status_created", "product_id", "status", "created_at"),
        Index("ix_reviews_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value)
    # Shown to the author only, with the status, when an admin rejects the review.
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    product: Mapped["Product"] = relationship()  # noqa: F821  (storefront.catalog.models)

    @property
    def author_label(self):
        if self.user_id is None or self.anonymised_at is not None:
            return "A former customer"
        return "Verified buyer"
