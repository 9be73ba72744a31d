"""Admins approve or reject reviews inline; shoppers see only approved ones; the author sees their own review's
status and the reason it was rejected. Every decision is audited, and the admin URLs are for admins only."""

import re

import pytest
from sqlalchemy import select

from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.reviews.models import ReviewStatus
from tests.factories import make_user
from tests.functional.checkout.support import digital, page_text
from tests.functional.reviews.support import browser_of, buyer_of, moderate, rating_of, reviews_of, write

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> Nice & <b>bold</b>'


@pytest.fixture
def pending(app):
    """A product with one pending review by its buyer: (product, the buyer's browser, the review)."""
    product = digital(title="Tide Clock")
    _user, buyer, _order = buyer_of(app, product)
    write(buyer.client, product, rating=4, body="Keeps perfect time with the tides.")
    [review] = reviews_of(product)
    return product, buyer, review


def product_page(client, product, **args):
    return page_text(client.get(f"/products/{product.slug}", query_string=args))


def test_a_pending_review_is_shown_to_its_author_only(app, client, pending):
    product, buyer, _review = pending

    assert "Keeps perfect time" not in product_page(client, product)
    assert "No reviews yet." in product_page(client, product)
    mine = product_page(buyer.client, product)
    assert "Keeps perfect time" in mine and "Waiting for approval" in mine


def test_the_admin_approves_inline_and_the_review_shows_on_the_product_page(app, admin, client, pending):
    product, _buyer, review = pending

    response = moderate(admin, review, "approve")

    assert response.status_code == 200
    row = page_text(response)
    assert row.lstrip().startswith(f'<tr id="review-row-{review.id}"') and "approved" in row
    page = product_page(client, product)
    assert "Keeps perfect time" in page and "Verified buyer" in page
    assert "<strong>4.0</strong> out of 5" in page and "1 review" in page
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.approve")).all()
    assert (event.subject_type, event.subject_id, event.after["status"]) == ("reviews", str(review.id), "approved")


def test_a_rejected_review_shows_its_reason_to_the_author_only(app, admin, client, pending):
    product, buyer, review = pending

    response = moderate(admin, review, "reject", reason="Please leave out the shipping complaint.")

    assert response.status_code == 200
    assert reviews_of(product)[0].status == ReviewStatus.REJECTED
    mine = product_page(buyer.client, product)
    assert "Not published" in mine and "Please leave out the shipping complaint." in mine
    other = browser_of(app, make_user())
    for page in (product_page(client, product), product_page(other.client, product)):
        assert "Keeps perfect time" not in page and "shipping complaint" not in page
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.reject")).all()
    assert event.message == "Please leave out the shipping complaint."


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(admin, pending):
    product, _buyer, review = pending

    response = moderate(admin, review, "reject", reason="   ")

    assert response.status_code == 422
    assert "Give the author a reason." in page_text(response)
    assert reviews_of(product)[0].status == ReviewStatus.PENDING
    assert db.session.scalar(select(AuditEvent.id)) is None


def test_approving_twice_is_refused_and_counts_once(admin, pending):
    product, _buyer, review = pending
    moderate(admin, review, "approve")

    response = moderate(admin, review, "approve")

    assert response.status_code == 422
    assert "already approved" in page_text(response)
    assert rating_of(product)[:2] == (1, 4)


def test_taking_down_an_approved_review_takes_it_out_of_the_rating(admin, client, pending):
    product, _buyer, review = pending
    moderate(admin, review, "approve")

    moderate(admin, review, "reject", reason="Mentions a competitor by name.")

    assert rating_of(product) == (0, 0, None)
    assert "Keeps perfect time" not in product_page(client, product)


def test_without_htmx_the_buttons_redirect_back_to_the_table(admin, pending):
    _product, _buyer, review = pending

    response = admin.post(f"/admin/reviews/{review.id}/approve")

    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/reviews")
    assert "No pending reviews." in page_text(admin.get("/admin/reviews"))
    assert "Keeps perfect time" in page_text(admin.get("/admin/reviews?status=approved"))


def test_the_admin_table_lists_pending_reviews_oldest_first(app, admin, pending):
    product, _buyer, _review = pending
    _user, second, _order = buyer_of(app, product)
    write(second.client, product, rating=2, body="Arrived a week late, works fine.")

    page = page_text(admin.get("/admin/reviews"))

    assert page.index("Keeps perfect time") < page.index("Arrived a week late")
    fragment = admin.get("/admin/reviews?status=rejected", headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and "No rejected reviews." in page_text(fragment)


def test_review_text_cannot_inject_markup(app, admin, client):
    product = digital()
    _user, buyer, _order = buyer_of(app, product)
    write(buyer.client, product, body=XSS)
    moderate(admin, reviews_of(product)[0], "approve")

    for html in (
        client.get(f"/products/{product.slug}").get_data(as_text=True),
        admin.get("/admin/reviews?status=all").get_data(as_text=True),
        buyer.client.get(f"/products/{product.slug}").get_data(as_text=True),
    ):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert reviews_of(product)[0].body == XSS  # kept as typed, shown as text


ADMIN_URLS = [
    ("get", "/admin/reviews"),
    ("post", "/admin/reviews/{id}/approve"),
    ("post", "/admin/reviews/{id}/reject"),
]


@pytest.mark.parametrize("method, url", ADMIN_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, pending, method, url):
    _product, _buyer, review = pending

    response = getattr(client, method)(url.format(id=review.id), data={"reason": "no"})

    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert reviews_of(review.product)[0].status == ReviewStatus.PENDING


@pytest.mark.parametrize("method, url", ADMIN_URLS)
def test_customers_even_the_author_are_refused(pending, method, url):
    _product, buyer, review = pending

    response = getattr(buyer.client, method)(url.format(id=review.id), data={"reason": "no"})

    assert response.status_code == 403
    assert reviews_of(review.product)[0].status == ReviewStatus.PENDING


def test_an_unknown_review_is_a_404(admin):
    assert moderate(admin, type("Missing", (), {"id": 999_999})(), "approve").status_code == 404


def token_of(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def test_state_changes_need_the_csrf_token(app, admin, pending):
    product, buyer, review = pending
    app.config["WTF_CSRF_ENABLED"] = True

    assert admin.post(f"/admin/reviews/{review.id}/approve", headers={"HX-Request": "true"}).status_code == 400
    edit = {"rating": 1, "body": "Forged from another site."}
    assert buyer.client.post(f"/reviews/{review.id}/edit", data=edit).status_code == 400
    assert reviews_of(product)[0].status == ReviewStatus.PENDING and reviews_of(product)[0].rating == 4

    token = token_of(admin, "/admin/reviews")
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    assert admin.post(f"/admin/reviews/{review.id}/approve", headers=headers).status_code == 200
    assert reviews_of(product)[0].status == ReviewStatus.APPROVED


def test_writing_needs_the_csrf_token(app):
    product = digital()
    _user, buyer, _order = buyer_of(app, product)
    app.config["WTF_CSRF_ENABLED"] = True

    assert write(buyer.client, product).status_code == 400
    assert reviews_of(product) == []
    token = token_of(buyer.client, f"/products/{product.slug}")
    data = {"rating": 5, "body": "Sent from the product page itself.", "csrf_token": token}
    assert buyer.client.post(f"/products/{product.slug}/review", data=data).status_code == 303
    assert len(reviews_of(product)) == 1
