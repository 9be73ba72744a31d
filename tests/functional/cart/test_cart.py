"""The cart as a shopper uses it: adding, changing, removing and emptying, with htmx and without JavaScript."""

import pytest

from storefront.catalog.models import ProductKind
from tests.factories import make_product
from tests.functional.cart.helpers import MODES, cart_lines, header_count, item_id, text

PHYSICAL = ProductKind.PHYSICAL


def is_full_page(response):
    return "<html" in text(response)


def assert_cart_answer(response, htmx, count):
    """htmx gets the `#cart` fragment with the new count out of band; a plain form is redirected to the cart."""
    if htmx:
        assert response.status_code == 200
        assert '<div id="cart">' in text(response) and not is_full_page(response)
        assert header_count(response, oob=True) == count
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == "/cart/"


# Adding


def test_shopper_adds_a_product_with_htmx_and_sees_a_status_line_and_the_new_count(shopper):
    poster = make_product(title="Sunrise Poster")

    response = shopper.add(poster, htmx=True)

    assert response.status_code == 200
    assert "Added Sunrise Poster." in text(response)
    assert '<div id="cart">' not in text(response) and not is_full_page(response)
    assert header_count(response, oob=True) == 1
    assert '<span class="badge" aria-label="1 item">1</span>' in text(response)
    assert cart_lines() == {"Sunrise Poster": 1}


def test_shopper_without_javascript_adds_and_returns_to_the_product_page(client, shopper):
    mug = make_product(title="Harbour Mug", kind=PHYSICAL, stock=5)
    product_page = f"/products/{mug.slug}"

    response = shopper.add(mug, quantity=2, next=product_page)

    assert response.status_code == 303
    assert response.headers["Location"] == product_page
    page = client.get(product_page)
    assert "Added Harbour Mug to your cart." in text(page)
    assert header_count(page) == 2
    assert cart_lines() == {"Harbour Mug": 2}


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "", "cart"])
def test_shopper_sent_to_an_unsafe_next_lands_on_the_cart_instead(shopper, next_url):
    response = shopper.add(make_product(), next=next_url)

    assert response.status_code == 303
    assert response.headers["Location"] == "/cart/"


def test_shopper_adding_a_physical_product_again_adds_to_its_line(shopper):
    mug = make_product(title="Harbour Mug", kind=PHYSICAL, stock=5)

    shopper.add(mug, quantity=2)
    response = shopper.add(mug, quantity=1, htmx=True)

    assert '<span class="badge" aria-label="3 items">3</span>' in text(response)
    assert cart_lines() == {"Harbour Mug": 3}


def test_product_page_add_form_posts_to_the_cart_with_htmx_and_falls_back_to_a_plain_post(client):
    mug = make_product(title="Harbour Mug", kind=PHYSICAL, stock=5)

    page = text(client.get(f"/products/{mug.slug}"))

    assert 'method="post" action="/cart/add"' in page
    assert 'hx-post="/cart/add" hx-target="#add-status"' in page
    assert f'name="product_id" value="{mug.id}"' in page
    assert f'name="next" value="/products/{mug.slug}"' in page


@pytest.mark.parametrize(("stock", "most"), [(3, 3), (500, 99)], ids=["the-stock", "99"])
def test_shopper_can_fill_a_line_up_to_the_stock_or_99(shopper, stock, most):
    mug = make_product(title="Harbour Mug", kind=PHYSICAL, stock=stock)
    shopper.add(mug, quantity=most - 1)

    response = shopper.add(mug, quantity=1)

    assert response.status_code == 303
    assert cart_lines() == {"Harbour Mug": most}


# Seeing the cart


def test_shopper_sees_the_cart_page_and_htmx_gets_only_the_fragment(client, htmx, shopper):
    shopper.add(make_product(title="Sunrise Poster", price_cents=1250))

    page, fragment = client.get("/cart/"), htmx("/cart/")

    assert is_full_page(page) and "Sunrise Poster" in text(page) and "$12.50" in text(page)
    assert header_count(page) == 1
    assert not is_full_page(fragment) and '<div id="cart">' in text(fragment)
    assert header_count(fragment, oob=True) == 1
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_shopper_with_nothing_in_the_cart_is_offered_the_shop(client):
    page = client.get("/cart/")

    assert page.status_code == 200
    assert "Your cart is empty." in text(page)
    assert header_count(page) == 0


# Changing, removing, emptying


@pytest.mark.parametrize("htmx", MODES)
def test_shopper_changes_a_quantity(shopper, htmx):
    shopper.add(make_product(title="Harbour Mug", kind=PHYSICAL, stock=5))

    response = shopper.update(item_id("Harbour Mug"), 4, htmx=htmx)

    assert_cart_answer(response, htmx, count=4)
    assert cart_lines() == {"Harbour Mug": 4}


@pytest.mark.parametrize("htmx", MODES)
def test_shopper_setting_a_quantity_to_zero_removes_the_line(shopper, htmx):
    shopper.add(make_product(title="Harbour Mug", kind=PHYSICAL, stock=5), quantity=2)
    shopper.add(make_product(title="Sunrise Poster"))

    response = shopper.update(item_id("Harbour Mug"), 0, htmx=htmx)

    assert_cart_answer(response, htmx, count=1)
    assert cart_lines() == {"Sunrise Poster": 1}


@pytest.mark.parametrize("htmx", MODES)
def test_shopper_removes_an_item(shopper, htmx):
    shopper.add(make_product(title="Harbour Mug", kind=PHYSICAL, stock=5), quantity=2)
    shopper.add(make_product(title="Sunrise Poster"))

    response = shopper.remove(item_id("Sunrise Poster"), htmx=htmx)

    assert_cart_answer(response, htmx, count=2)
    assert cart_lines() == {"Harbour Mug": 2}


@pytest.mark.parametrize("htmx", MODES)
def test_shopper_empties_the_cart(shopper, htmx):
    shopper.add(make_product(title="Harbour Mug", kind=PHYSICAL, stock=5), quantity=2)
    shopper.add(make_product(title="Sunrise Poster"))

    response = shopper.clear(htmx=htmx)

    assert_cart_answer(response, htmx, count=0)
    if htmx:
        assert "Your cart is empty." in text(response)
    assert cart_lines() == {}


def test_shopper_without_javascript_sees_the_change_after_the_redirect(client, shopper):
    shopper.add(make_product(title="Harbour Mug", kind=PHYSICAL, stock=5))
    shopper.update(item_id("Harbour Mug"), 3)

    page = client.get("/cart/")

    assert 'value="3"' in text(page)
    assert header_count(page) == 3
