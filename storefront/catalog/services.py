"""Catalogue queries. Every listing runs a fixed number of statements, however many products it shows."""

from dataclasses import dataclass

import markdown
import nh3
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from storefront.catalog.models import Category, Product, ProductImage
from storefront.extensions import db

SORT_ORDERS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price_cents.asc(), Product.id.asc()),
    "price_desc": (Product.price_cents.desc(), Product.id.desc()),
    # Best average first, then the most reviewed; products without reviews last (NULLs sort first in Postgres DESC).
    "rating": (
        case((Product.rating_count == 0, 1), else_=0),
        (Product.rating_sum * 1.0 / case((Product.rating_count == 0, 1), else_=Product.rating_count)).desc(),
        Product.rating_count.desc(),
        Product.id.desc(),
    ),
}


@dataclass(frozen=True)
class CatalogQuery:
    text: str = ""
    category_slug: str = ""
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    sort: str = "newest"
    page: int = 1


def list_categories():
    return db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()


def _escape_like(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(statement, query):
    for word in query.text.split():
        pattern = f"%{_escape_like(word)}%"
        statement = statement.where(
            or_(Product.title.ilike(pattern, escape="\\"), Product.description_md.ilike(pattern, escape="\\"))
        )
    if query.category_slug:
        statement = statement.join(Product.category).where(Category.slug == query.category_slug)
    if query.min_price_cents is not None:
        statement = statement.where(Product.price_cents >= query.min_price_cents)
    if query.max_price_cents is not None:
        statement = statement.where(Product.price_cents <= query.max_price_cents)
    return statement


def with_images():
    """Images and their resized variants, in one statement each however many products are listed."""
    return selectinload(Product.images).selectinload(ProductImage.variants)


class _LeanCountPagination(SelectPagination):
    """Counts with `count_select` (a bare count(*) over the filtered rows) instead of Flask-SQLAlchemy's count over a
    subquery of the page's statement, which selects every column (descriptions included) only to count them."""

    def _query_count(self):
        return self._query_args["session"].scalar(self._query_args["count_select"])


def _published(statement, query):
    return _filtered(statement.where(Product.is_published.is_(True)), query)


def catalogue_statement(query):
    """The statement selecting every published product matching `query`, in its order, with what a card shows."""
    return (
        _published(select(Product), query)
        .options(joinedload(Product.category), with_images())
        .order_by(*SORT_ORDERS[query.sort])
    )


def search_products(query, per_page):
    """A page of published products matching `query`; a page past the end comes back empty."""
    statement = catalogue_statement(query)
    count_select = _published(select(func.count()).select_from(Product), query)
    return _LeanCountPagination(
        select=statement,
        count_select=count_select,
        session=db.session(),
        page=query.page,
        per_page=per_page,
        error_out=False,
        count=True,
    )


def load_images(products):
    """Load the images (and their variants) of already loaded `products` in two statements, however many there are,
    so pages listing them (the cart) do not load each product's pictures one by one."""
    ids = {product.id for product in products}
    if ids:
        db.session.scalars(select(Product).where(Product.id.in_(ids)).options(with_images())).all()


def get_product_for_display(slug, include_unpublished=False):
    """The product with this slug, or None when it does not exist or is hidden from this viewer."""
    if "\x00" in slug:  # no slug holds a NUL byte, and Postgres would refuse the query
        return None
    statement = select(Product).where(Product.slug == slug).options(with_images())
    if not include_unpublished:
        statement = statement.where(Product.is_published.is_(True))
    return db.session.scalar(statement)


ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "pre", "hr"}


def render_description(markdown_text):
    """Markdown to HTML that keeps only harmless tags, so a pasted <script> never reaches a shopper."""
    html = markdown.markdown(markdown_text or "", output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="nofollow noopener")
