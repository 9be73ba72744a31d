from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class Shipment(db.Model):
    """A parcel sent for some (or all) of an order's physical items."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(80))
    tracking_number: Mapped[str] = mapped_column(String(120))
    tracking_url: Mapped[str] = mapped_column(String(500))
    shipped_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list["ShipmentItem"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentItem.id"
    )
    # `order.shipments` too, for the shopper's order page and the admin panel (no column: the foreign key above).
    order = relationship("Order", backref=backref("shipments", order_by="Shipment.id", passive_deletes=True))


class ShipmentItem(db.Model):
    __tablename__ = "shipment_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="items")
    order_item = relationship("OrderItem")
