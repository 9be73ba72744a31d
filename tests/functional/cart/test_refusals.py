"""What the cart refuses: each refusal answers 422 with a message the shopper can read and changes nothing."""

import pytest

from storefront.catalog.models import ProductKind
from storefront.extensions import db
from tests.factories import make_product
from tests.functional.cart.helpers import MODES, Shopper, active_carts, cart_lines, item_id, snapshot, text

POSTER = {"title": "Poster"}
MUG = {"title": "Mug", "kind": ProductKind.PHYSICAL, "stock": 3}
BIG_STOCK_MUG = {"title": "Mug", "kind": ProductKind.PHYSICAL, "stock": 500}

# name: (product, quantity already in the cart, quantity asked for, message shown)
REFUSED_ADDS = {
    "digital-twice-at-once": (POSTER, 0, "2", "Poster is a download: one copy is all you need."),
    "digital-again": (POSTER, 1, "1", "Poster is already in your cart."),
    "above-stock": (MUG, 0, "4", "Only 3 of Mug available."),
    "above-stock-with-the-cart": (MUG, 2, "2", "Only 3 of Mug available."),
    "out-of-stock": ({**MUG, "stock": 0}, 0, "1", "Mug is out of stock."),
    "unpublished": ({**POSTER, "published": False}, 0, "1", "Poster is no longer available."),
    "quantity-zero": (MUG, 0, "0", "Enter a quantity of 1 or more."),
    "quantity-negative": (MUG, 1, "-1", "Enter a quantity of 1 or more."),
    # The limit named is the stock, whatever it is: never a fixed 99.
    "far-above-stock": (MUG, 0, "100", "Only 3 of Mug available."),
    "above-a-big-stock": (BIG_STOCK_MUG, 0, "501", "Only 500 of Mug available."),
    "above-a-big-stock-with-the-cart": (BIG_STOCK_MUG, 99, "402", "Only 500 of Mug available."),
    "quantity-not-a-number": (MUG, 0, "two", "Enter the quantity as a whole number, like 2."),
    "quantity-unicode-digit": (MUG, 0, "\u0663", "Enter the quantity as a whole number, like 2."),
    "quantity-past-32-bits": (MUG, 0, "2147483648", "Enter the quantity as a whole number, like 2."),
    "quantity-past-64-bits": (MUG, 0, "99999999999999999999", "Enter the quantity as a whole number, like 2."),
    "quantity-missing": (MUG, 0, "", "This field is required."),
}


@pytest.mark.parametrize("htmx", MODES)
@pytest.mark.parametrize(("product", "already", "quantity", "message"), REFUSED_ADDS.values(), ids=REFUSED_ADDS)
def test_shopper_is_refused_an_add_that_breaks_a_rule(shopper, htmx, product, already, quantity, message):
    refused = make_product(**product)
    if already:
        shopper.add(refused, already)
    before = snapshot()

    response = shopper.add(refused, quantity, htmx=htmx)

    assert response.status_code == 422
    assert message in text(response)
    assert snapshot() == before


@pytest.mark.parametrize("htmx", MODES)
@pytest.mark.parametrize(
    ("product_id", "message"),
    [
        (999_999, "That product does not exist."),
        ("abc", "Choose a product."),
        ("", "Choose a product."),
        # Past Postgres's INTEGER and past 64 bits: the database would raise on either (a 500 before).
        ("2147483648", "Choose a product."),
        ("99999999999999999999", "Choose a product."),
        ("\u0663", "Choose a product."),
    ],
    ids=["unknown", "not-a-number", "missing", "past-32-bits", "past-64-bits", "unicode-digit"],
)
def test_shopper_is_refused_an_add_of_a_product_that_is_not_there(shopper, htmx, product_id, message):
    shopper.add(make_product(title="Poster"))
    before = snapshot()

    response = shopper.add(product_id, htmx=htmx)

    assert response.status_code == 422
    assert message in text(response)
    assert snapshot() == before


def test_htmx_refusal_on_the_product_page_is_a_status_line_not_a_whole_cart(shopper):
    mug = make_product(**MUG)
    shopper.add(mug, 1)

    response = shopper.add(mug, 5, htmx=True)

    assert response.status_code == 422
    assert 'role="alert">Only 3 of Mug available.</p>' in text(response)
    # The product page swaps this into #add-status: a cart table there would be out of place.
    assert '<div id="cart">' not in text(response)


def test_a_refused_first_add_gives_the_guest_no_cart_and_no_cookie(client, shopper):
    response = shopper.add(make_product(title="Poster"), 2)

    assert response.status_code == 422
    assert active_carts() == []
    assert not any("sf_cart=" in cookie for cookie in response.headers.getlist("Set-Cookie"))


# name: (product, quantity in the cart, what changes afterwards, quantity asked for, message shown)
REFUSED_UPDATES = {
    "above-stock": (MUG, 1, {}, "4", "Only 3 of Mug available."),
    "stock-gone": (MUG, 1, {"stock": 0}, "2", "Mug is out of stock."),
    "unpublished-since": (MUG, 1, {"is_published": False}, "2", "Mug is no longer available."),
    "digital-more-than-one": (POSTER, 1, {}, "2", "Poster is a download: one copy is all you need."),
    "quantity-negative": (MUG, 1, {}, "-1", "Enter a quantity of 0 or more (0 removes the item)."),
    "far-above-stock": (MUG, 1, {}, "100", "Only 3 of Mug available."),
    "above-a-big-stock": (BIG_STOCK_MUG, 1, {}, "501", "Only 500 of Mug available."),
    "quantity-not-a-number": (MUG, 1, {}, "lots", "Enter the quantity as a whole number, like 2."),
    "quantity-fullwidth-digit": (MUG, 1, {}, "\uff13", "Enter the quantity as a whole number, like 2."),
    "quantity-missing": (MUG, 1, {}, "", "This field is required."),
}


@pytest.mark.parametrize("htmx", MODES)
@pytest.mark.parametrize(
    ("product", "already", "change", "quantity", "message"), REFUSED_UPDATES.values(), ids=REFUSED_UPDATES
)
def test_shopper_is_refused_a_quantity_that_breaks_a_rule(shopper, htmx, product, already, change, quantity, message):
    refused = make_product(**product)
    shopper.add(refused, already)
    for name, value in change.items():
        setattr(refused, name, value)
    db.session.commit()
    before = snapshot()

    response = shopper.update(item_id(refused.title), quantity, htmx=htmx)

    assert response.status_code == 422
    assert message in text(response)
    assert snapshot() == before


# Another cart's items


@pytest.fixture
def someone_elses_item(app):
    """An item in another visitor's cart: its id is all the shopper knows."""
    other = Shopper(app.test_client())
    other.add(make_product(title="Their Mug", kind=ProductKind.PHYSICAL, stock=9), 2)
    return item_id("Their Mug")


@pytest.mark.parametrize("htmx", MODES)
@pytest.mark.parametrize("press", ["update", "remove"])
def test_shopper_cannot_touch_an_item_in_another_cart(shopper, someone_elses_item, htmx, press):
    shopper.add(make_product(title="Poster"))
    before = snapshot()

    if press == "update":
        response = shopper.update(someone_elses_item, 1, htmx=htmx)
    else:
        response = shopper.remove(someone_elses_item, htmx=htmx)

    assert response.status_code == 404
    assert "That item is not in your cart." in text(response)
    assert snapshot() == before


@pytest.mark.parametrize("htmx", MODES)
def test_visitor_without_a_cart_cannot_touch_an_item_in_another_cart(shopper, someone_elses_item, htmx):
    response = shopper.remove(someone_elses_item, htmx=htmx)

    assert response.status_code == 404
    assert len(active_carts()) == 1
    assert cart_lines() == {"Their Mug": 2}
