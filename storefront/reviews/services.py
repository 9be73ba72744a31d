"""Reviews: who may write one, writing and editing it, moderating it, and the product's rating that follows.

Only a buyer may review a product: someone whose account has an order for it that was paid and whose line for it is
not wholly refunded (per-item refunds count, pending or confirmed, as the refund ledger counts them). One review per
buyer and product. Every review waits for an admin; an edit sends it back to wait again. Callers own the
transaction (views commit with storefront.jobs.commit), so a refusal leaves nothing half-written.
"""

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from storefront.audit.services import record_admin_action
from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.models import Order, OrderItem
from storefront.orders.status import OrderStatus
from storefront.refunds.ledger import LIVE
from storefront.refunds.models import Refund, RefundItem
from storefront.reviews.models import Review, ReviewStatus

MIN_BODY, MAX_BODY = 10, 2000
MAX_REASON = 500
# Orders whose money was taken and not wholly given back.
BOUGHT = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED)
# Control characters other than tab and newline: invisible, and some break terminals and feeds.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

ALLOWED_MOVES = {
    ReviewStatus.PENDING: {ReviewStatus.APPROVED, ReviewStatus.REJECTED},
    ReviewStatus.APPROVED: {ReviewStatus.REJECTED, ReviewStatus.PENDING},
    ReviewStatus.REJECTED: {ReviewStatus.APPROVED, ReviewStatus.PENDING},
}


class ReviewRefused(ValueError):
    """The review cannot be written or changed as asked; the message is safe to show. `status` is the HTTP answer."""

    def __init__(self, message, status=422):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ReviewInput:
    rating: int
    body: str


def clean_body(text):
    """The review text as stored: plain text, control characters removed, Windows line ends unified, trimmed."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def has_bought(user, product):
    """True when `user` has a paid order holding `product` on a line not wholly refunded. One statement."""
    refunded = (
        select(func.coalesce(func.sum(RefundItem.quantity), 0))
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(RefundItem.order_item_id == OrderItem.id, Refund.status.in_(LIVE))
        .scalar_subquery()
    )
    statement = (
        select(OrderItem.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.user_id == user.id, Order.status.in_([status.value for status in BOUGHT]))
        .where(OrderItem.product_id == product.id, OrderItem.quantity > refunded)
        .limit(1)
    )
    return db.session.scalar(statement) is not None


def review_by(user, product):
    """`user`'s review of `product`, or None (also for anonymous visitors)."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Review).where(Review.user_id == user.id, Review.product_id == product.id))


def refusal_to_write(user, product):
    """Why `user` may not review `product` now (a ReviewRefused), or None when they may."""
    if not user.is_authenticated:
        return ReviewRefused("Log in to review a product you bought.", 401)
    if review_by(user, product) is not None:
        return ReviewRefused("You have already reviewed this product; you can edit your review.", 403)
    if not has_bought(user, product):
        return ReviewRefused("Only customers who bought this product can review it.", 403)
    return None


def _checked(given):
    if not isinstance(given.rating, int) or not 1 <= given.rating <= 5:
        raise ReviewRefused("Choose from 1 to 5 stars.")
    body = clean_body(given.body)
    if not MIN_BODY <= len(body) <= MAX_BODY:
        raise ReviewRefused(f"Write between {MIN_BODY} and {MAX_BODY} characters.")
    return given.rating, body


def write_review(user, product, given):
    """Add `user`'s review of `product`, waiting for approval. Raises ReviewRefused (nothing written)."""
    rating, body = _checked(given)
    refusal = refusal_to_write(user, product)
    if refusal is not None:
        raise refusal
    review = Review(product_id=product.id, user_id=user.id, rating=rating, body=body)
    try:
        with db.session.begin_nested():  # a second tab posting at the same moment meets the unique key
            db.session.add(review)
    except IntegrityError:
        raise ReviewRefused("You have already reviewed this product; you can edit your review.", 403) from None
    return review


def edit_review(user, review, given):
    """The author changes stars and text; the review waits for approval again (and leaves the rating meanwhile)."""
    if review.user_id is None or review.user_id != user.id:
        raise ReviewRefused("Only the author can edit a review.", 403)
    rating, body = _checked(given)
    was_approved = review.status == ReviewStatus.APPROVED
    review.rating, review.body, review.updated_at = rating, body, utcnow()
    review.status, review.rejection_reason = ReviewStatus.PENDING.value, None
    if was_approved:
        refresh_rating(review.product_id)
    return review


def approve(review, actor):
    """Show the review and count it in the product's rating; audited."""
    return _moderate(review, ReviewStatus.APPROVED, actor, reason=None)


def reject(review, actor, reason):
    """Hide the review with a reason its author sees; audited. Raises ReviewRefused without a reason."""
    reason = clean_body(reason)
    if not reason or len(reason) > MAX_REASON:
        raise ReviewRefused(f"Give the author a reason (at most {MAX_REASON} characters).")
    return _moderate(review, ReviewStatus.REJECTED, actor, reason=reason)


def _moderate(review, new_status, actor, reason):
    old = ReviewStatus(review.status)
    if new_status not in ALLOWED_MOVES[old]:
        raise ReviewRefused(f"This review is already {old.value}.")
    review.status, review.rejection_reason, review.moderated_at = new_status.value, reason, utcnow()
    if ReviewStatus.APPROVED in (old, new_status):
        refresh_rating(review.product_id)
    record_admin_action(
        actor,
        f"review.{'approve' if new_status == ReviewStatus.APPROVED else 'reject'}",
        review,
        message=reason or "",
        before={"status": old.value},
        after={"status": new_status.value, "product_id": review.product_id, "rating": review.rating},
    )
    return review


def refresh_rating(product_id):
    """Recount the product's approved reviews into its rating columns. The product row is locked first, so two
    moderations at once are counted one after the other (each recount sees the other's committed review)."""
    db.session.flush()
    db.session.execute(select(Product.id).where(Product.id == product_id).with_for_update())
    approved = (Review.product_id == product_id, Review.status == ReviewStatus.APPROVED.value)
    count, total = db.session.execute(
        select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0)).where(*approved)
    ).one()
    product = db.session.get(Product, product_id)
    product.rating_count, product.rating_sum = int(count), int(total)


def export_for_user(user):
    """Every review `user` wrote, as plain data for their data export (oldest first)."""
    reviews = db.session.scalars(
        select(Review)
        .where(Review.user_id == user.id)
        .options(joinedload(Review.product))
        .order_by(Review.created_at, Review.id)
    ).all()
    return [_exported(review) for review in reviews]


def _exported(review):
    return {
        "product": review.product.title,
        "product_slug": review.product.slug,
        "rating": review.rating,
        "text": review.body,
        "status": review.status,
        "rejection_reason": review.rejection_reason,
        "written_at": review.created_at.isoformat(),
        "edited_at": review.updated_at.isoformat(),
    }


def anonymise_for_user(user):
    """Before `user`'s account goes: keep their reviews' stars and text but drop the link to them, so each reads
    "A former customer". Returns how many reviews were anonymised. Rejection reasons (written to them) go too."""
    reviews = db.session.scalars(select(Review).where(Review.user_id == user.id)).all()
    now = utcnow()
    for review in reviews:
        review.user_id, review.anonymised_at, review.rejection_reason = None, now, None
    db.session.flush()
    return len(reviews)
