"""Admin verbs for products: create, edit, publish, archive or delete, and stock changes with their log.

Each verb checks its rules, raises ProductRefused with a message an admin can act on, and writes an audit row.
Callers own the transaction (they commit through `storefront.jobs.commit`) and never pass the request in.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select, update

from storefront.audit.services import record_admin_action
from storefront.catalog import cleanup
from storefront.catalog.models import (
    MAX_PRICE_CENTS,
    Category,
    Product,
    ProductFile,
    ProductImage,
    ProductKind,
    StockAdjustment,
)
from storefront.catalog.services import _escape_like
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.models import OrderItem
from storefront.renders.templates import TEMPLATES

MAX_BUYER_FIELDS = 5
MAX_BUYER_FIELD_LABEL = 60
MAX_STOCK = 1_000_000
ADMIN_LIST_LIMIT = 200


class ProductRefused(ValueError):
    """The change breaks a rule; the message says which, and is safe to show."""


@dataclass(frozen=True)
class ProductFields:
    """What the product form describes, already parsed into Python values."""

    title: str
    slug: str
    description_md: str
    price_cents: int
    currency: str
    kind: str
    category_id: int | None = None
    stock: int | None = None  # the opening stock of a new physical product; later changes go through adjust_stock
    render_template: str | None = None
    buyer_fields: list = field(default_factory=list)  # BuyerField values (storefront.catalog.buyer_fields)
    # A new version of a file resets earlier buyers' download counts and link lifetimes (storefront.catalog.uploads).
    fresh_downloads_on_update: bool = False


def sanitised_slug(text):
    """Lowercase ASCII letters, digits and single dashes, at most 120 characters ("Café Noir!" -> "cafe-noir")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120].strip("-")


def snapshot(product):
    """The product's admin-visible state, for audit rows' before and after."""
    return {
        "title": product.title,
        "slug": product.slug,
        "price_cents": product.price_cents,
        "kind": product.kind,
        "category_id": product.category_id,
        "stock": product.stock,
        "is_published": product.is_published,
        "archived": product.archived_at is not None,
        "render_template": product.render_template,
        "buyer_fields": list(product.buyer_fields or []),
        "description_chars": len(product.description_md or ""),
        "fresh_downloads_on_update": bool(product.fresh_downloads_on_update),
    }


def admin_products(text="", include_archived=False):
    """Products for the admin list, newest first, matching every word of `text` in the title."""
    statement = select(Product).order_by(Product.created_at.desc(), Product.id.desc()).limit(ADMIN_LIST_LIMIT)
    for word in text.split():
        statement = statement.where(Product.title.ilike(f"%{_escape_like(word)}%", escape="\\"))
    if not include_archived:
        statement = statement.where(Product.archived_at.is_(None))
    return db.session.scalars(statement).all()


def media_counts(products):
    """{product id: (images, files)} in two statements, however many products are listed."""
    ids = [product.id for product in products]
    counts = {product_id: [0, 0] for product_id in ids}
    for index, model in enumerate((ProductImage, ProductFile)):
        rows = db.session.execute(
            select(model.product_id, func.count()).where(model.product_id.in_(ids)).group_by(model.product_id)
        )
        for product_id, number in rows:
            counts[product_id][index] = number
    return counts


def was_sold(product):
    return db.session.scalar(select(exists().where(OrderItem.product_id == product.id)))


def _check(fields, product=None):
    if not fields.title.strip() or len(fields.title) > 200:
        raise ProductRefused("A title is 1 to 200 characters.")
    if not fields.slug:
        raise ProductRefused("The slug needs at least one letter or digit.")
    taken = select(Product.id).where(Product.slug == fields.slug)
    if product is not None:
        taken = taken.where(Product.id != product.id)
    if db.session.scalar(taken) is not None:
        raise ProductRefused(f"The slug “{fields.slug}” is taken by another product.")
    if fields.price_cents > MAX_PRICE_CENTS:
        raise ProductRefused("That price is too large.")
    if fields.kind not in {ProductKind.DIGITAL, ProductKind.PHYSICAL}:
        raise ProductRefused("Choose digital or physical.")
    if fields.category_id is not None and db.session.get(Category, fields.category_id) is None:
        raise ProductRefused("There is no such category.")
    _check_rendering(fields)


def _check_rendering(fields):
    if fields.render_template is None:
        if fields.buyer_fields:
            raise ProductRefused("Buyer fields need a render template.")
        return
    if fields.render_template not in TEMPLATES:
        raise ProductRefused("There is no such render template.")
    if fields.kind != ProductKind.DIGITAL:
        raise ProductRefused("Only digital products can be rendered per order.")
    if len(fields.buyer_fields) > MAX_BUYER_FIELDS:
        raise ProductRefused(f"At most {MAX_BUYER_FIELDS} buyer fields.")
    if any(len(buyer_field.label) > MAX_BUYER_FIELD_LABEL for buyer_field in fields.buyer_fields):
        raise ProductRefused(f"A buyer field label is at most {MAX_BUYER_FIELD_LABEL} characters.")


def _apply(product, fields):
    product.title = fields.title.strip()
    product.slug = fields.slug
    product.description_md = fields.description_md
    product.price_cents = fields.price_cents
    product.category_id = fields.category_id
    product.render_template = fields.render_template
    product.buyer_fields = [buyer_field.as_json() for buyer_field in fields.buyer_fields]
    product.fresh_downloads_on_update = fields.fresh_downloads_on_update and fields.kind == ProductKind.DIGITAL


def create_product(fields, actor):
    """A new, unpublished product; a physical one starts with `fields.stock` units, logged as an adjustment."""
    _check(fields)
    if fields.kind == ProductKind.PHYSICAL and not 0 <= (fields.stock or 0) <= MAX_STOCK:
        raise ProductRefused(f"Stock is a whole number from 0 to {MAX_STOCK:,}.")
    product = Product(kind=fields.kind, currency=fields.currency, is_published=False)
    _apply(product, fields)
    product.stock = 0 if fields.kind == ProductKind.PHYSICAL else None
    db.session.add(product)
    db.session.flush()
    record_admin_action(actor, "product.create", product, f"Created {product.title}", after=snapshot(product))
    if fields.stock:
        adjust_stock(product, fields.stock, "Opening stock", actor)
    return product


def update_product(product, fields, actor):
    """Save the form's fields; the kind is fixed once the product exists (its orders and files depend on it)."""
    if fields.kind != product.kind:
        raise ProductRefused("A product's kind cannot change; make a new product instead.")
    _check(fields, product)
    before = snapshot(product)
    _apply(product, fields)
    db.session.flush()
    record_admin_action(actor, "product.update", product, f"Edited {product.title}", before, snapshot(product))
    return product


def set_published(product, published, actor):
    """Show the product in the shop or hide it; an archived product must be restored before it is published."""
    if published and product.archived_at is not None:
        raise ProductRefused("Restore the product from the archive before publishing it.")
    if product.is_published == published:
        return product
    product.is_published = published
    action = "product.publish" if published else "product.unpublish"
    record_admin_action(actor, action, product, "", {"is_published": not published}, {"is_published": published})
    return product


def archive_product(product, actor):
    """Hide the product from the shop and from admin lists, keeping it (and its sales) on record."""
    if product.archived_at is not None:
        return product
    before = snapshot(product)
    product.is_published = False
    product.archived_at = utcnow()
    record_admin_action(actor, "product.archive", product, f"Archived {product.title}", before, snapshot(product))
    return product


def restore_product(product, actor):
    """Bring an archived product back to the admin list, still unpublished."""
    if product.archived_at is None:
        return product
    product.archived_at = None
    record_admin_action(actor, "product.restore", product, f"Restored {product.title}", {"archived": True}, {})
    return product


def delete_product(product, actor):
    """Delete a product nobody ever bought; one that was sold can only be archived (its orders point at it). Its
    files and pictures leave storage after the commit."""
    if was_sold(product):
        raise ProductRefused("This product has been sold, so it cannot be deleted. Archive it instead.")
    record_admin_action(actor, "product.delete", product, f"Deleted {product.title}", snapshot(product), None)
    cleanup.delete_product_objects_after_commit(product)
    db.session.delete(product)


def adjust_stock(product, delta, reason, actor):
    """Add `delta` units (negative takes some away) and log it. The change is one conditional UPDATE, so it adds to
    whatever checkouts took meanwhile and can never take stock below zero; raises ProductRefused when it would."""
    _check_stock_change(product, delta, reason)
    stock_after = db.session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock + delta >= 0, Product.stock + delta <= MAX_STOCK)
        .values(stock=Product.stock + delta)
        .returning(Product.stock)
        .execution_options(synchronize_session=False)
    ).scalar()
    if stock_after is None:
        raise ProductRefused(f"Stock cannot go below 0 or above {MAX_STOCK:,}; nothing was changed.")
    return _log_stock(product, delta, stock_after, reason, actor)


def set_stock(product, stock, reason, actor):
    """Make the stock `stock` units and log the difference. Only changes the stock if no checkout moved it since the
    admin's page was read, so a sale in between is never silently undone."""
    _check_stock_change(product, 0, reason)
    if not 0 <= stock <= MAX_STOCK:
        raise ProductRefused(f"Stock is a whole number from 0 to {MAX_STOCK:,}.")
    seen = db.session.scalar(select(Product.stock).where(Product.id == product.id))
    changed = db.session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock == seen)
        .values(stock=stock)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise ProductRefused("The stock changed while you were setting it; look at it again and retry.")
    return _log_stock(product, stock - seen, stock, reason, actor)


def _check_stock_change(product, delta, reason):
    if product.kind != ProductKind.PHYSICAL:
        raise ProductRefused("Only physical products have stock.")
    if not reason.strip() or len(reason) > 200:
        raise ProductRefused("Give a reason of up to 200 characters for the stock change.")
    if abs(delta) > MAX_STOCK:
        raise ProductRefused(f"Change stock by at most {MAX_STOCK:,} units at a time.")


def _log_stock(product, delta, stock_after, reason, actor):
    entry = StockAdjustment(
        product_id=product.id,
        delta=delta,
        stock_after=stock_after,
        reason=reason.strip(),
        actor_id=actor.id,
        actor_email=actor.email,
    )
    db.session.add(entry)
    db.session.refresh(product, ["stock"])
    message = f"Stock {delta:+d} to {stock_after}: {entry.reason}"
    record_admin_action(
        actor, "product.stock", product, message, {"stock": stock_after - delta}, {"stock": stock_after}
    )
    return entry


def stock_log(product, limit=50):
    statement = (
        select(StockAdjustment)
        .where(StockAdjustment.product_id == product.id)
        .order_by(StockAdjustment.id.desc())
        .limit(limit)
    )
    return db.session.scalars(statement).all()


def categories():
    return db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()
