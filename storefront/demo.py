"""Demo catalogue for a fresh shop: categories, products of both kinds, Pillow-drawn pictures (storefront.demo_images)
and small files."""

import io
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from storefront.catalog.buyer_fields import FieldKind, buyer_field
from storefront.catalog.models import Category, Product, ProductFile, ProductImage, ProductKind
from storefront.demo_images import product_picture
from storefront.extensions import db
from storefront.renders.services import add_product_image, queue_image_variants
from storefront.storage import get_storage

DEMO_ADMIN_EMAIL = "admin@example.com"

CATEGORIES = [("templates", "Templates"), ("prints", "Prints"), ("guides", "Guides"), ("stationery", "Stationery")]

# slug, title, category, kind, price in cents, stock (physical only), the colour of its picture
PRODUCTS = [
    ("invoice-template-pack", "Invoice Template Pack", "templates", "digital", 1200, None, "#2f6f8f"),
    ("wedding-planner-sheets", "Wedding Planner Sheets", "templates", "digital", 900, None, "#b05d7a"),
    ("cv-kit", "Minimal CV Kit", "templates", "digital", 1500, None, "#4a4a8a"),
    ("social-media-calendar", "Social Media Calendar 2027", "templates", "digital", 700, None, "#3c8d5a"),
    ("mountain-dawn-print", "Mountain Dawn Art Print", "prints", "physical", 3500, 12, "#c4733b"),
    ("city-lines-print", "City Lines Poster", "prints", "physical", 2900, 4, "#2d2d2d"),
    ("personalised-star-map", "Personalised Star Map (PDF)", "prints", "digital", 1900, None, "#1d2b53"),
    ("name-poster", "Personalised Name Poster (PNG)", "prints", "digital", 1100, None, "#7a3b69"),
    ("botanical-set", "Botanical Print Set of 3", "prints", "physical", 5400, 0, "#5b8c3a"),
    ("pricing-guide", "The Small Shop Pricing Guide", "guides", "digital", 2400, None, "#8a5a2b"),
    ("photo-editing-guide", "Photo Editing Field Guide", "guides", "digital", 1800, None, "#6b4c9a"),
    ("linen-notebook", "Linen Notebook A5", "stationery", "physical", 1600, 30, "#a08c6c"),
    ("brass-pen", "Brass Pocket Pen", "stationery", "physical", 4200, 7, "#b8912f"),
    ("sticker-sheet", "Studio Sticker Sheet", "stationery", "physical", 500, 100, "#d04a4a"),
    ("font-pairing-cards", "Font Pairing Cards (PDF)", "guides", "digital", 0, None, "#3a7ca5"),
]

# slug -> (render template, buyer fields): these are rendered per order with the buyer's text, not downloaded as is.
PERSONALISED = {
    "personalised-star-map": ("certificate_pdf", [buyer_field("Name on the print", max_length=40).as_json()]),
    "name-poster": (
        "print_png",
        [buyer_field("Name", max_length=30).as_json(), buyer_field("Date", FieldKind.DATE).as_json()],
    ),
}

DESCRIPTION = """A demo product for **{title}**.

- Made by a small team
- {kind_line}

Questions? Reply to your receipt email and a person answers."""


@dataclass(frozen=True)
class SeedReport:
    created: int
    existing: int


def _draw_pdf(title):
    page = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(page).text(
        (60, 80), f"{title}\n\nThank you for your purchase.", font=ImageFont.load_default(size=28), fill="black"
    )
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return buffer.getvalue()


def _ensure_categories():
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, (slug, name) in enumerate(CATEGORIES):
        if slug not in existing:
            existing[slug] = Category(slug=slug, name=name, position=position)
            db.session.add(existing[slug])
    return existing


def _create_product(spec, category):
    slug, title, _, kind, price, stock, colour = spec
    kind_line = "Instant download after payment" if kind == ProductKind.DIGITAL else "Ships within 3 working days"
    if slug in PERSONALISED:
        kind_line = "Made with your own text right after payment"
    product = Product(
        slug=slug,
        title=title,
        description_md=DESCRIPTION.format(title=title, kind_line=kind_line),
        price_cents=price,
        currency=current_app.config["STORE_CURRENCY"],
        kind=kind,
        is_published=True,
        stock=stock,
        category=category,
    )
    product.render_template, product.buyer_fields = PERSONALISED.get(slug, (None, []))
    db.session.add(product)
    # Through the upload path, so the image variants are rendered by a job once the caller commits.
    add_product_image(product, product_picture(slug, title, colour), alt_text=f"Picture of {title}")
    if kind == ProductKind.DIGITAL and not product.is_rendered_per_order:
        pdf = _draw_pdf(title)
        storage = get_storage()
        file_key = storage.put(f"products/{slug}/{slug}.pdf", pdf, "application/pdf")
        product.files.append(
            ProductFile(
                storage_key=file_key, file_name=f"{slug}.pdf", size_bytes=len(pdf), content_type="application/pdf"
            )
        )


def _queue_missing_variants(slugs):
    """Images of demo products seeded before variants existed get theirs too."""
    statement = (
        select(ProductImage).join(ProductImage.product).where(Product.slug.in_(slugs), ~ProductImage.variants.any())
    )
    for image in db.session.scalars(statement):
        queue_image_variants(image)


def seed_demo_catalog():
    """Add whatever demo categories and products are missing (matched by slug); never duplicates. The caller commits
    with `storefront.jobs.commit()`, which queues the image variant jobs."""
    categories = _ensure_categories()
    existing = set(db.session.scalars(select(Product.slug).where(Product.slug.in_([p[0] for p in PRODUCTS]))))
    missing = [spec for spec in PRODUCTS if spec[0] not in existing]
    for spec in missing:
        _create_product(spec, categories[spec[2]])
    _queue_missing_variants(existing)
    return SeedReport(created=len(missing), existing=len(existing))
