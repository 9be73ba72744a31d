from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.buyer_fields import read_buyer_fields
from storefront.clock import utcnow
from storefront.extensions import db

# price_cents is a 32-bit INTEGER column; Postgres refuses to compare it with anything larger.
MAX_PRICE_CENTS = 2**31 - 1


class ProductKind(StrEnum):
    DIGITAL = "digital"
    PHYSICAL = "physical"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("kind IN ('digital', 'physical')", name="kind_known"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_products_published_created", "is_published", "created_at"),
        # The catalogue search matches substrings (`ILIKE '%word%'`, storefront.catalog.services); trigram indexes let
        # Postgres answer it without reading every row. Postgres only (pg_trgm); SQLite scans, as before.
        *(
            Index(
                f"ix_products_{column}_trgm", column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
            ).ddl_if(dialect="postgresql")
            for column in ("title", "description_md")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description_md: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    is_published: Mapped[bool] = mapped_column(default=False)
    # Set when an admin archives the product: it stays unpublished and out of admin lists, but its sales remain.
    archived_at: Mapped[datetime | None]
    # Units on hand for physical goods; digital goods have no stock (NULL).
    stock: Mapped[int | None]
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    # Set for products rendered per order (a personalised certificate or print): the name of the render template,
    # and the fields the buyer fills in on the product page (storefront.catalog.buyer_fields: label, kind, limit).
    render_template: Mapped[str | None] = mapped_column(String(40))
    buyer_fields: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # Approved reviews, kept here by storefront.reviews.services.refresh_rating so listings sort by rating and show
    # it without a query per product.
    rating_count: Mapped[int] = mapped_column(default=0, server_default="0")
    rating_sum: Mapped[int] = mapped_column(default=0, server_default="0")
    # When a deliverable gets a new version, earlier buyers' download counts and link lifetimes start afresh.
    fresh_downloads_on_update: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    files: Mapped[list["ProductFile"]] = relationship(back_populates="product", cascade="all, delete-orphan")

    @property
    def is_digital(self):
        return self.kind == ProductKind.DIGITAL

    @property
    def is_rendered_per_order(self):
        return self.render_template is not None

    @property
    def personalisation_fields(self):
        """The buyer fields as BuyerField values, whatever form they were stored in."""
        return read_buyer_fields(self.buyer_fields)

    @property
    def in_stock(self):
        return self.is_digital or (self.stock or 0) > 0

    @property
    def rating_average(self):
        """The approved reviews' average stars to one decimal (halves round up: 4.25 is 4.3), None without any."""
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def main_image(self):
        return self.images[0] if self.images else None


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]

    product: Mapped[Product] = relationship(back_populates="images")
    # Resized copies made by a job after upload (storefront.renders); empty until it has run.
    variants: Mapped[list["ProductImageVariant"]] = relationship(  # noqa: F821  (storefront.renders.models)
        order_by="ProductImageVariant.width", cascade="all, delete-orphan", passive_deletes=True
    )

    def variants_in(self, format_name):
        """This image's variants in one format (webp, jpeg), narrowest first, one per width."""
        by_width = {variant.width: variant for variant in self.variants if variant.format == format_name}
        return [by_width[width] for width in sorted(by_width)]


class ProductFile(db.Model):
    """A deliverable of a digital product; the storage key is private and never shown to shoppers."""

    __tablename__ = "product_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped each time the file is replaced; buyers are told about a version once (storefront.mailings.file_updates).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    version_label: Mapped[str | None] = mapped_column(String(80))
    version_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(back_populates="files")

    @property
    def released_at(self):
        """When the current version was put in place (the upload itself for a first version)."""
        return self.version_at or self.created_at


class StockAdjustment(db.Model):
    """One change an admin made to a physical product's stock, with the stock it left and why."""

    __tablename__ = "stock_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    delta: Mapped[int]
    stock_after: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    # The actor's email is copied so the log still names them if the account goes.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageDeletion(db.Model):
    """An object a product stopped using (a replaced or removed file, a removed picture or one of its sizes), to be
    deleted from storage once the change has committed; storefront.catalog.cleanup's job deletes it unless something
    (a buyer's entitlement) still points at it. `outcome` is None until the job has run, then deleted or kept."""

    __tablename__ = "storage_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
