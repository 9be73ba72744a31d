"""The buyer's side: write a review of a product (from its page, inline with htmx, or a page of its own) and edit
it. A refused or invalid review is answered with the form and its message (422, or 403 for someone who may not
review the product), and nothing is saved."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from storefront import jobs
from storefront.catalog.services import get_product_for_display
from storefront.extensions import db
from storefront.htmx import is_htmx, render_page_or_fragment
from storefront.reviews import bp, services
from storefront.reviews.forms import ReviewForm
from storefront.reviews.models import Review

INVALID = 422
WRITE_PAGE, EDIT_PAGE = "reviews/write.html", "reviews/edit.html"
FORM, MINE = "reviews/_partials/form.html", "reviews/_partials/mine.html"


@bp.app_template_global("review_form")
def review_form():
    """An empty review form, for the product page's "Write a review"."""
    return ReviewForm(formdata=None)


def _me():
    return current_user._get_current_object()


def _product_or_404(slug):
    product = get_product_for_display(slug)
    if product is None:
        abort(404)
    return product


def _own_review_or_404(review_id):
    """The review, only for its author: anyone else gets 404, as if it did not exist."""
    review = db.session.get(Review, review_id)
    if review is None or review.user_id is None or review.user_id != current_user.id:
        abort(404)
    return review


def _saved(review, message):
    jobs.commit()
    if is_htmx():
        return render_page_or_fragment(MINE, MINE, review=review, product=review.product, notice=message)
    flash(message, "success")
    return redirect(url_for("catalog.product", slug=review.product.slug), code=303)


@bp.route("/products/<slug>/review", methods=["GET", "POST"])
@login_required
def write(slug):
    product = _product_or_404(slug)
    form = ReviewForm()
    page = {"form": form, "product": product, "action": url_for("reviews.write", slug=slug)}
    refusal = services.refusal_to_write(_me(), product)
    if refusal is not None:
        return render_page_or_fragment(WRITE_PAGE, FORM, status=refusal.status, error=str(refusal), **page)
    if not form.validate_on_submit():
        return render_page_or_fragment(WRITE_PAGE, FORM, status=INVALID if form.is_submitted() else 200, **page)
    try:
        review = services.write_review(_me(), product, form.review_input())
    except services.ReviewRefused as refused:
        jobs.rollback()
        return render_page_or_fragment(WRITE_PAGE, FORM, status=refused.status, error=str(refused), **page)
    return _saved(review, "Thank you: your review will appear once we have checked it.")


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id):
    review = _own_review_or_404(review_id)
    form = ReviewForm(obj=review)
    page = {"form": form, "product": review.product, "action": url_for("reviews.edit", review_id=review.id)}
    page["heading"] = "Change your review"
    if not form.validate_on_submit():
        return render_page_or_fragment(EDIT_PAGE, FORM, status=INVALID if form.is_submitted() else 200, **page)
    try:
        services.edit_review(_me(), review, form.review_input())
    except services.ReviewRefused as refused:
        jobs.rollback()
        return render_page_or_fragment(EDIT_PAGE, FORM, status=refused.status, error=str(refused), **page)
    return _saved(review, "Your review is changed; it will appear again once we have checked it.")
