"""Admin: the reviews table. Pending reviews wait oldest first; each row approves, or rejects with a reason the author
sees, in place (htmx swaps the row, `_partials/review_row.html`, which the table includes). Without JavaScript the
buttons are plain forms answered with a redirect (303) back to the table. Every decision is audited."""

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.extensions import db
from storefront.htmx import is_htmx, render_page_or_fragment
from storefront.integers import page_number
from storefront.reviews import queries, services
from storefront.reviews.forms import RejectForm
from storefront.reviews.models import Review

PAGE, ROWS, ROW = "admin/reviews.html", "admin/_partials/review_rows.html", "admin/_partials/review_row.html"
INVALID = 422


def _table(status="pending", page=1):
    return {"reviews": queries.admin_page(status, page), "showing": status, "filters": queries.ADMIN_FILTERS}


@bp.get("/reviews")
def reviews_page():
    """`?status=pending|approved|rejected|all` (pending when missing or unknown) and `?page=N`."""
    status = request.args.get("status", "pending")
    status = status if status in queries.ADMIN_FILTERS else "pending"
    return render_page_or_fragment(PAGE, ROWS, **_table(status, request.args.get("page", 1, type=page_number)))


def _row(review, status=200, **context):
    """The review's row for htmx; without it, the table page with the message above it."""
    if not is_htmx():
        return render_template(PAGE, **_table(), **context), status
    response = make_response(render_template(ROW, review=review, **context), status)
    response.vary.add("HX-Request")
    return response


def _decided(review, action):
    """Run `action()` and answer with the row (or a 303 back to the table); a refusal is a 422 row naming it."""
    try:
        action()
    except services.ReviewRefused as refused:
        jobs.rollback()
        return _row(db.session.get(Review, review.id), INVALID, error=str(refused))
    jobs.commit()
    if is_htmx():
        return _row(review, notice=f"Review {review.status}.")
    return redirect(url_for("admin.reviews_page"), code=303)


def _review_or_404(review_id):
    return db.get_or_404(Review, review_id, with_for_update=True)


@bp.post("/reviews/<int:review_id>/approve")
def approve_review(review_id):
    review = _review_or_404(review_id)
    return _decided(review, lambda: services.approve(review, current_user._get_current_object()))


@bp.post("/reviews/<int:review_id>/reject")
def reject_review(review_id):
    review = _review_or_404(review_id)
    form = RejectForm()
    if not form.validate():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _row(review, INVALID, error=message, reject_form=form)
    return _decided(review, lambda: services.reject(review, current_user._get_current_object(), form.reason.data))
