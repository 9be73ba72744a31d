"""Helpers for reviews tests: buyers who paid through the real pages, an admin's browser, and reviews as saved."""

from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.reviews.models import Review
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import Shopper

ADMIN = "moderator@example.com"
GOOD_TEXT = "Lovely print, the colours are deep and true."


def browser_of(app, user):
    """A new browser, logged in as `user`."""
    shopper = Shopper(app.test_client())
    assert shopper.log_in(user, DEFAULT_PASSWORD).status_code == 302
    return shopper


def buyer_of(app, *products, email=None):
    """A customer who bought and paid for `products` while logged in; returns (user, their browser, the order)."""
    user = make_user(email)
    shopper = browser_of(app, user)
    order = shopper.place(*products, email=user.email)
    shopper.pay(order)
    return user, shopper, order


def admin_browser(app):
    return browser_of(app, make_user(ADMIN, role=Role.ADMIN)).client


def write(client, product, rating=5, body=GOOD_TEXT, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/products/{product.slug}/review", data={"rating": rating, "body": body}, headers=headers)


def moderate(admin, review, action, reason=None):
    data = {"reason": reason} if reason is not None else {}
    return admin.post(f"/admin/reviews/{review.id}/{action}", data=data, headers={"HX-Request": "true"})


def fresh_view():
    """End the test's own read transaction (SQLite keeps its snapshot until then) so what requests committed shows."""
    db.session.commit()


def reviews_of(product):
    fresh_view()
    return db.session.scalars(select(Review).where(Review.product_id == product.id).order_by(Review.id)).all()


def rating_of(product):
    """(approved count, star sum, average) as the product row says now."""
    fresh_view()
    found = db.session.get(Product, product.id)
    return found.rating_count, found.rating_sum, found.rating_average
