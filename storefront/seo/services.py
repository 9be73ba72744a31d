"""Page descriptions for search engines and link previews, and the sitemap's entries, all as absolute URLs under
BASE_URL (never the request's Host header, which a client chooses)."""

import html
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import nh3
from flask import current_app
from sqlalchemy import func, select

from storefront.catalog.models import Category, Product
from storefront.catalog.services import render_description
from storefront.extensions import db
from storefront.money import decimal_string
from storefront.storage import get_storage
from storefront.urls import external_url

DESCRIPTION_LENGTH = 160
SCHEMA_ORG = "https://schema.org"
# Areas that are private to a shopper or an admin, by blueprint: robots.txt asks crawlers to stay out.
PRIVATE_BLUEPRINTS = ("admin", "cart", "checkout", "account", "accounts", "orders", "payments", "downloads", "mailings")


@dataclass(frozen=True)
class PageMeta:
    """What a page tells search engines and link previews (title, description, canonical URL, OpenGraph)."""

    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str | None = None
    structured_data: dict | None = None


def absolute(url):
    """`url` (a path such as /media/x.jpg, or already absolute) as an absolute URL under BASE_URL."""
    return urljoin(current_app.config["BASE_URL"] + "/", url)


def summary(text, fallback):
    """`text` as one line of at most DESCRIPTION_LENGTH characters, cut at a word; `fallback` when it is empty."""
    text = " ".join(text.split()) or fallback
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _plain_text(markdown_text):
    return html.unescape(nh3.clean(render_description(markdown_text), tags=set()))


def catalogue_meta(category, page):
    """The catalogue page's meta. Its canonical URL keeps the category and page and drops search and sort, so every
    filtered variant of a listing points at the one listing."""
    store = current_app.config["STORE_NAME"]
    name = category.name if category else "Shop"
    args = {"category": category.slug} if category else {}
    if page > 1:
        args["page"] = page
    description = f"{name} at {store}: browse, search and buy online."
    return PageMeta(title=f"{name} · {store}", description=description, canonical=external_url("catalog.index", **args))


def product_meta(product):
    """The product page's meta, with its schema.org Product as `structured_data`."""
    description = summary(_plain_text(product.description_md), fallback=product.title)
    canonical = external_url("catalog.product", slug=product.slug)
    images = [image_url(image) for image in product.images]
    return PageMeta(
        title=f"{product.title} · {current_app.config['STORE_NAME']}",
        description=description,
        canonical=canonical,
        og_type="product",
        image=images[0] if images else None,
        structured_data=product_structured_data(product, description, canonical, images),
    )


def image_url(image):
    """Absolute URL of the image's largest JPEG variant (what every preview and crawler reads), else the original."""
    jpeg = image.variants_in("jpeg")
    return absolute(get_storage().public_url(jpeg[-1].storage_key if jpeg else image.storage_key))


def product_structured_data(product, description, canonical, images):
    """schema.org Product with one Offer: the price as a decimal string in major units, the currency, and whether
    it can be bought now. `aggregateRating` only once the product has approved reviews: an empty rating is an error
    to Google."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Product",
        "name": product.title,
        "description": description,
        "sku": product.slug,
        "url": canonical,
        "offers": {
            "@type": "Offer",
            "url": canonical,
            "price": decimal_string(product.price_cents, product.currency),
            "priceCurrency": product.currency,
            "availability": f"{SCHEMA_ORG}/{'InStock' if product.in_stock else 'OutOfStock'}",
        },
    }
    if images:
        data["image"] = images
    if product.category:
        data["category"] = product.category.name
    if product.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": float(product.rating_average),
            "reviewCount": product.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None


def _listed():
    """Products a shopper can find: published and not archived."""
    return (Product.is_published.is_(True), Product.archived_at.is_(None))


def sitemap_entries():
    """The catalogue, each category with something to buy, and every published product, with the date each last
    changed (a listing changes when one of its products does). Two statements, whatever the catalogue's size."""
    products = db.session.execute(select(Product.slug, Product.updated_at).where(*_listed()).order_by(Product.id)).all()
    categories = db.session.execute(
        select(Category.slug, func.max(Product.updated_at))
        .join(Product, Product.category_id == Category.id)
        .where(*_listed())
        .group_by(Category.slug)
        .order_by(Category.slug)
    ).all()
    newest = max((updated for _, updated in products), default=None)
    return [
        SitemapEntry(external_url("catalog.index"), _day(newest)),
        *(SitemapEntry(external_url("catalog.index", category=slug), _day(updated)) for slug, updated in categories),
        *(SitemapEntry(external_url("catalog.product", slug=slug), _day(updated)) for slug, updated in products),
    ]


def _day(moment):
    return moment.date().isoformat() if moment else None


def disallowed_paths():
    """The URL prefixes of the private areas, under BASE_URL's path."""
    base_path = urlsplit(current_app.config["BASE_URL"]).path.rstrip("/")
    return sorted({base_path + current_app.blueprints[name].url_prefix for name in PRIVATE_BLUEPRINTS})
