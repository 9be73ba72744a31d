"""What the cart shows and remembers: prices from the database, warnings, and the guest cookie."""

import os

import pytest
from sqlalchemy import select

from storefront import create_app
from storefront.cart.models import Cart
from storefront.catalog.models import ProductKind
from storefront.extensions import db
from tests.conftest import TEST_SETTINGS, RequestPerContextClient
from tests.factories import make_product
from tests.functional.cart.helpers import (
    Shopper,
    active_carts,
    all_carts,
    cart_lines,
    header_count,
    item_id,
    text,
)
from tests.production import production_environ


def cart_cookie(response):
    """The Set-Cookie header that carries the guest cart's token, or None."""
    return next((cookie for cookie in response.headers.getlist("Set-Cookie") if cookie.startswith("sf_cart=")), None)


# Prices and warnings


def test_shopper_sees_when_a_price_changed_since_adding(client, shopper):
    poster = make_product(title="Sunrise Poster", price_cents=1000)
    shopper.add(poster)
    poster.price_cents = 1200
    db.session.commit()

    page = text(client.get("/cart/"))

    assert "Price changed from $10.00 to $12.00 since you added it." in page
    assert "Total" in page and "$12.00" in page
    assert 'href="/checkout/">Check out</a>' in page, "a price change alone does not block checkout"


def test_shopper_adding_the_product_again_accepts_the_new_price(client, shopper):
    mug = make_product(title="Harbour Mug", kind=ProductKind.PHYSICAL, stock=5, price_cents=1000)
    shopper.add(mug)
    mug.price_cents = 900
    db.session.commit()

    shopper.add(mug)

    assert "Price changed" not in text(client.get("/cart/"))


def test_shopper_sees_an_unpublished_item_marked_and_cannot_check_out(client, shopper):
    poster = make_product(title="Sunrise Poster")
    shopper.add(poster)
    assert ">Check out</a>" in text(client.get("/cart/"))
    poster.is_published = False
    db.session.commit()

    page = text(client.get("/cart/"))

    assert "No longer available" in page
    assert ">Check out</a>" not in page
    assert "Fix the items marked above to check out." in page


def test_shopper_can_still_remove_an_unpublished_item(shopper, client):
    poster = make_product(title="Sunrise Poster")
    shopper.add(poster)
    poster.is_published = False
    db.session.commit()
    (cart,) = active_carts()

    shopper.remove(cart.items[0].id)

    assert active_carts()[0].items == []


def test_a_tampered_price_field_is_ignored(client, shopper):
    poster = make_product(title="Sunrise Poster", price_cents=1999)

    shopper.add(poster, price_cents=1, seen_price_cents=1, unit_price_cents=1)

    (cart,) = active_carts()
    assert cart.items[0].seen_price_cents == 1999
    page = text(client.get("/cart/"))
    assert "$19.99" in page and "$0.01" not in page


def test_quantity_inputs_offer_only_what_the_cart_accepts(client, shopper):
    shopper.add(make_product(title="Harbour Mug", kind=ProductKind.PHYSICAL, stock=5))
    shopper.add(make_product(title="Sunrise Poster"))

    page = text(client.get("/cart/"))

    assert 'min="0" max="5" value="1"' in page, "the box stops at the stock"
    assert "1 <small>(download)</small>" in page, "a download has no quantity box"


def test_a_big_stock_can_be_bought_past_99(client, shopper):
    mug = make_product(title="Harbour Mug", kind=ProductKind.PHYSICAL, stock=500)

    added = shopper.add(mug, 150)
    raised = shopper.update(item_id("Harbour Mug"), 500)

    assert (added.status_code, raised.status_code) == (303, 303)
    assert cart_lines() == {"Harbour Mug": 500}
    assert 'max="500" value="500"' in text(client.get("/cart/"))


# The guest cookie


def test_guest_cart_cookie_is_a_random_token_kept_from_scripts_and_other_sites(shopper):
    response = shopper.add(make_product())

    cookie = cart_cookie(response)
    (cart,) = active_carts()
    assert cookie.startswith(f"sf_cart={cart.token};")
    assert len(cart.token) >= 40
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age=" in cookie
    assert "Secure" not in cookie, "local runs are plain http"


def test_guest_cart_cookie_is_secure_in_production(app, monkeypatch):
    """A second app built as production; `app` still empties the tables afterwards."""
    local = {"STORAGE_BACKEND": "local", "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": "1", "ALLOW_SQLITE_IN_PRODUCTION": "1"}
    for name, value in production_environ(DATABASE_URL=os.environ["DATABASE_URL"], **local).items():
        monkeypatch.setenv(name, value)
    production = create_app(TEST_SETTINGS)
    production.test_client_class = RequestPerContextClient
    with production.app_context():
        product_id = make_product().id

    response = Shopper(production.test_client()).add(product_id)

    assert response.status_code == 303
    assert "Secure" in cart_cookie(response)


def test_two_guests_get_separate_carts(app, shopper):
    other = Shopper(app.test_client())
    shopper.add(make_product(title="Poster"))
    other.add(make_product(title="Mug", kind=ProductKind.PHYSICAL, stock=4), 2)

    assert sorted(cart.quantity for cart in active_carts()) == [1, 2]
    assert header_count(other.client.get("/cart/")) == 2


def test_guest_keeps_the_same_cart_across_visits(client, shopper):
    shopper.add(make_product(title="Poster"))
    shopper.add(make_product(title="Mug", kind=ProductKind.PHYSICAL, stock=4))

    assert len(all_carts()) == 1
    assert header_count(client.get("/")) == 2


@pytest.mark.parametrize("token", ["made-up", ""])
def test_a_made_up_cookie_shows_an_empty_cart(client, token):
    client.set_cookie("sf_cart", token)

    page = client.get("/cart/")

    assert page.status_code == 200 and "Your cart is empty." in text(page)
    assert all_carts() == []


# Browsing without a cart


@pytest.mark.parametrize("page", ["/", "/cart/", "product"])
def test_guest_browsing_without_a_cart_costs_no_cart_query_and_creates_no_cart(client, count_queries, page):
    product = make_product(title="Sunrise Poster")
    url = f"/products/{product.slug}" if page == "product" else page

    with count_queries() as seen:
        response = client.get(url)

    assert response.status_code == 200
    assert not [statement for statement in seen.statements if "carts" in statement]
    assert cart_cookie(response) is None
    assert db.session.scalar(select(Cart.id)) is None
