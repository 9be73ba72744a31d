"""The benchmark catalogue: the demo shop (real pictures, their resized variants and PDF files, made through the
app's own services), then as many more products as asked for, each reusing the media of a demo product of its
kind, so every row points at an object that exists in storage, as in a real shop."""

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.bulk import insert_rows
from storefront import jobs
from storefront.catalog.models import Category, Product, ProductImage
from storefront.clock import utcnow
from storefront.demo import DESCRIPTION, seed_demo_catalog
from storefront.extensions import db

PRODUCT_COLUMNS = (
    "id, slug, title, description_md, price_cents, currency, kind, is_published, archived_at, stock, category_id, "
    "render_template, buyer_fields, created_at, updated_at"
).split(", ")
IMAGE_COLUMNS = ("id", "product_id", "storage_key", "alt_text", "position", "width", "height")
VARIANT_COLUMNS = ("image_id", "name", "format", "storage_key", "width", "height")
FILE_COLUMNS = ("product_id", "storage_key", "file_name", "size_bytes", "content_type", "created_at")
ADJECTIVES = (
    "Minimal Classic Botanical Vintage Modern Coastal Nordic Bold Quiet Golden Rustic Urban Soft Bright".split()
)
NOUNS = {
    "templates": "Invoice Planner Budget Resume Calendar Checklist Menu Proposal".split(),
    "prints": "Poster Map Print Illustration Photograph Sketch Skyline Pattern".split(),
    "guides": "Guide Handbook Workbook Course Primer Cookbook Field-Notes".split(),
    "stationery": "Notebook Pen Sticker-Sheet Postcard-Set Journal Bookmark Desk-Pad".split(),
}
EXTRA_LINES = [
    "Printed on heavy matte paper",
    "Includes an editable and a print-ready version",
    "Updated every year at no cost",
    "Made to order in small batches",
]
# One generated product in this many copies a demo product rendered per order (with its buyer fields).
PERSONALISED_EVERY = 50


@dataclass(frozen=True)
class ListedProduct:
    """What orders copy from a product (order lines keep title, slug, kind and price)."""

    id: int
    slug: str
    title: str
    kind: str
    price_cents: int
    published: bool
    files: tuple  # (storage_key, file_name, content_type, size_bytes) of each deliverable file


def seed_catalogue(count, rng):
    """The demo catalogue plus generated products up to `count` in all; returns every product as ListedProduct."""
    seed_demo_catalog()
    jobs.commit()  # without Redis the picture variants are rendered right here
    demo = _demo_products()
    categories = {category.id: category.slug for category in db.session.scalars(select(Category))}
    first_id = max(product.id for product in demo) + 1
    rows = _generated_rows(demo, categories, first_id, max(0, count - len(demo)), rng)
    with db.engine.begin() as connection:
        for table, columns, key in TABLES:
            insert_rows(connection, table, columns, (row for entry in rows for row in entry[key]))
    return [_listed(product) for product in demo] + [entry["listed"] for entry in rows]


TABLES = (
    ("products", PRODUCT_COLUMNS, "product"),
    ("product_images", IMAGE_COLUMNS, "images"),
    ("product_image_variants", VARIANT_COLUMNS, "variants"),
    ("product_files", FILE_COLUMNS, "files"),
)


def _demo_products():
    statement = (
        select(Product)
        .options(selectinload(Product.images).selectinload(ProductImage.variants), selectinload(Product.files))
        .order_by(Product.id)
    )
    return db.session.scalars(statement).all()


def _listed(product):
    files = tuple((f.storage_key, f.file_name, f.content_type, f.size_bytes) for f in product.files)
    return ListedProduct(product.id, product.slug, product.title, product.kind, product.price_cents, True, files)


def _generated_rows(demo, categories, first_id, count, rng):
    plain = [product for product in demo if not product.is_rendered_per_order]
    personalised = [product for product in demo if product.is_rendered_per_order] or plain
    next_image_id = 1 + max((image.id for product in demo for image in product.images), default=0)
    entries = []
    for offset in range(count):
        pool = personalised if offset % PERSONALISED_EVERY == PERSONALISED_EVERY - 1 else plain
        entry = _product_entry(first_id + offset, rng.choice(pool), categories, rng, next_image_id)
        next_image_id += len(entry["images"])
        entries.append(entry)
    return entries


def _product_entry(product_id, template, categories, rng, first_image_id):
    """The rows of one generated product: a copy of `template`'s kind, media and category under a new title."""
    row = _product_row(product_id, template, categories.get(template.category_id, "prints"), rng)
    listed_files = _listed(template).files
    return {
        "product": [tuple(row[column] for column in PRODUCT_COLUMNS)],
        "images": _image_rows(product_id, first_image_id, template, row["title"]),
        "variants": _variant_rows(first_image_id, template),
        "files": [(product_id, *_file_fields(file), row["created_at"]) for file in template.files],
        "listed": ListedProduct(
            product_id, row["slug"], row["title"], row["kind"], row["price_cents"], row["is_published"], listed_files
        ),
    }


def _product_row(product_id, template, category, rng):
    title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS.get(category, NOUNS['prints'])).replace('-', ' ')}"
    published = rng.random() > 0.04
    created = utcnow() - timedelta(days=rng.uniform(1, 730))
    return {
        "id": product_id,
        "slug": f"{title.lower().replace(' ', '-')}-{product_id}",
        "title": title,
        "description_md": _description(title, template, rng),
        "price_cents": _price(template.price_cents, rng),
        "currency": template.currency,
        "kind": template.kind,
        "is_published": published,
        "archived_at": created if not published and rng.random() < 0.25 else None,
        "stock": None if template.is_digital else rng.choice([0, 3, 12, 40, 100]),
        "category_id": template.category_id,
        "render_template": template.render_template,
        "buyer_fields": json.dumps(template.buyer_fields or []),
        "created_at": created,
        "updated_at": created,
    }


def _price(demo_cents, rng):
    """Half to twice the demo product's price, ending in 99 (free stays free)."""
    return max(0, int(round(demo_cents * rng.uniform(0.5, 2.0), -2)) - 1) if demo_cents else 0


def _description(title, template, rng):
    kind_line = "Instant download after payment" if template.is_digital else "Ships within 3 working days"
    extra = "\n".join(f"- {line}" for line in rng.sample(EXTRA_LINES, rng.randrange(0, 3)))
    return DESCRIPTION.format(title=title, kind_line=kind_line) + (f"\n\n{extra}" if extra else "")


def _image_rows(product_id, first_image_id, template, title):
    return [
        (
            first_image_id + position,
            product_id,
            image.storage_key,
            f"Picture of {title}",
            position,
            image.width,
            image.height,
        )
        for position, image in enumerate(template.images)
    ]


def _variant_rows(first_image_id, template):
    return [
        (first_image_id + position, variant.name, variant.format, variant.storage_key, variant.width, variant.height)
        for position, image in enumerate(template.images)
        for variant in image.variants
    ]


def _file_fields(file):
    return file.storage_key, file.file_name, file.size_bytes, file.content_type
