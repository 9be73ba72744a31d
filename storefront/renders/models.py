from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class RenderStatus(StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


class Rendition(db.Model):
    """A personalised file rendered for one order item (a certificate, a print). One per item, so a retried or
    duplicated job finds it and does not render twice."""

    __tablename__ = "renditions"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'rendering', 'done', 'failed')", name="status_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=RenderStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order_item = relationship("OrderItem")


class ProductImageVariant(db.Model):
    """A resized copy of a product image (thumb, card, full) in one format (webp, jpeg), made by a job."""

    __tablename__ = "product_image_variants"
    __table_args__ = (
        db.UniqueConstraint("image_id", "name", "format", name="uq_product_image_variants_image_name_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("product_images.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    storage_key: Mapped[str] = mapped_column(String(300))
    width: Mapped[int]
    height: Mapped[int]
