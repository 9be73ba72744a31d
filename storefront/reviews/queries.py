"""What the product page and the admin table read about reviews, each in a fixed number of statements."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from storefront.extensions import db
from storefront.reviews.models import Review, ReviewStatus
from storefront.reviews.services import has_bought, review_by

PAGE_SIZE = 10
ADMIN_PAGE_SIZE = 50
ADMIN_FILTERS = ("pending", "approved", "rejected", "all")


@dataclass(frozen=True)
class ProductReviews:
    """The product page's reviews section: a page of approved reviews, the viewer's own review (any status), and
    whether the viewer may write one now."""

    approved: object
    mine: Review | None
    can_write: bool


def approved_page(product, page):
    statement = (
        select(Review)
        .where(Review.product_id == product.id, Review.status == ReviewStatus.APPROVED.value)
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def product_reviews(product, viewer, page=1):
    mine = review_by(viewer, product)
    can_write = viewer.is_authenticated and mine is None and has_bought(viewer, product)
    return ProductReviews(approved=approved_page(product, page), mine=mine, can_write=can_write)


def admin_page(status, page):
    """Reviews for the admin table, oldest pending first (a queue), otherwise newest first."""
    statement = select(Review).options(joinedload(Review.product))
    if status != "all":
        statement = statement.where(Review.status == status)
    if status == "pending":
        statement = statement.order_by(Review.created_at.asc(), Review.id.asc())
    else:
        statement = statement.order_by(Review.created_at.desc(), Review.id.desc())
    return db.paginate(statement, page=page, per_page=ADMIN_PAGE_SIZE, error_out=False)
