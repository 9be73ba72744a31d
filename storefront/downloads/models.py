from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class DownloadEntitlement(db.Model):
    """The right to download one file of one order item, through links carrying its unguessable token.

    Created when the order is paid (or when a per-order render finishes); revoked when the item is refunded.
    """

    __tablename__ = "download_entitlements"
    __table_args__ = (
        # One entitlement per file of an item: a retried job finds it instead of creating another.
        UniqueConstraint("order_item_id", "storage_key", name="uq_download_entitlements_item_file"),
        CheckConstraint("max_downloads >= 0", name="max_downloads_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    # Indexed: replacing a product's file moves the entitlements to it, and a file is deleted from storage only once
    # none points at it (storefront.catalog.cleanup).
    storage_key: Mapped[str] = mapped_column(String(300), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int]
    # 0 means unlimited.
    max_downloads: Mapped[int]
    download_count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order_item = relationship("OrderItem")
    downloads: Mapped[list["DownloadLog"]] = relationship(order_by="DownloadLog.id", viewonly=True)


class DownloadLog(db.Model):
    __tablename__ = "download_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("download_entitlements.id", ondelete="CASCADE"), index=True)
    downloaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
