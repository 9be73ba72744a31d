"""Every cart button carries the page's CSRF token, as a form field or (htmx) a header; without it nothing changes."""

import re

import pytest

from storefront.catalog.models import ProductKind
from tests.factories import make_product
from tests.functional.cart.helpers import HX_REQUEST, MODES, cart_lines, item_id, snapshot


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def page_token(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def filled_cart(client, csrf_on):
    """A cart with two mugs, filled through the product page's form with its token."""
    mug = make_product(title="Harbour Mug", kind=ProductKind.PHYSICAL, stock=5)
    token = page_token(client, f"/products/{mug.slug}")
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 2, "csrf_token": token})
    assert cart_lines() == {"Harbour Mug": 2}
    return mug


@pytest.mark.parametrize("htmx", MODES)
@pytest.mark.parametrize("button", ["add", "update", "remove", "clear"])
def test_cart_button_without_the_token_is_refused_and_changes_nothing(client, filled_cart, button, htmx):
    urls = {
        "add": "/cart/add",
        "update": f"/cart/items/{item_id('Harbour Mug')}",
        "remove": f"/cart/items/{item_id('Harbour Mug')}/remove",
        "clear": "/cart/clear",
    }
    before = snapshot()

    response = client.post(
        urls[button], data={"product_id": filled_cart.id, "quantity": 1}, headers=HX_REQUEST if htmx else {}
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_htmx_cart_change_with_the_pages_token_in_a_header_is_accepted(client, filled_cart):
    headers = {**HX_REQUEST, "X-CSRFToken": page_token(client, "/cart/")}

    response = client.post(f"/cart/items/{item_id('Harbour Mug')}", data={"quantity": 3}, headers=headers)

    assert response.status_code == 200
    assert cart_lines() == {"Harbour Mug": 3}


def test_every_form_on_the_cart_page_carries_the_token(client, filled_cart):
    html = client.get("/cart/").get_data(as_text=True)

    forms = re.findall(r"<form .*?</form>", html, re.S)
    assert len(forms) >= 3  # quantity, remove, empty (and log out when logged in)
    assert all('name="csrf_token"' in form for form in forms)
