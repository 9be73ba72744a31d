"""The buyer's text for a personalised product: asked for on the product page, required and at most 100 characters,
kept in the cart and copied into the order."""

import re

from sqlalchemy import select

from storefront.cart.models import CartItem
from storefront.extensions import db
from tests.factories import make_product, make_user
from tests.functional.checkout.support import order_count, page_text
from tests.functional.renders.support import STAR_MAP_FIELD, add_with_fields


def cart_lines():
    db.session.expire_all()
    return db.session.scalars(select(CartItem)).all()


def test_product_page_asks_for_each_buyer_field_and_offers_no_buy_now(client, personalised):
    product = personalised(fields=("Name", "Date"))

    html = client.get(f"/products/{product.slug}").get_data(as_text=True)

    form = html.split('<form class="buy-form"')[1].split("</form>")[0]
    assert re.search(r'<label for="personalisation-1">Name</label>', form)
    assert '<input id="personalisation-1" name="personalisation[Name]" type="text" required maxlength="100">' in form
    assert 'name="personalisation[Date]"' in form
    assert "Buy now" not in form


def test_an_ordinary_product_page_has_no_buyer_fields(client):
    html = client.get(f"/products/{make_product().slug}").get_data(as_text=True)

    assert "personalisation[" not in html and "Buy now" in html


def test_adding_without_the_buyers_text_is_refused(client, shopper, personalised):
    product = personalised()

    response = add_with_fields(shopper, product, {})

    assert response.status_code == 422
    assert "Please fill in “Name on the print”." in page_text(response)
    assert cart_lines() == []


def test_htmx_add_with_a_blank_field_gets_the_message_in_the_status_line(client, shopper, personalised):
    product = personalised()

    response = add_with_fields(shopper, product, {STAR_MAP_FIELD: "   "}, **{"HX-Request": "true"})

    assert response.status_code == 422
    assert '<p class="notice notice-error" role="alert">Please fill in “Name on the print”.</p>' in page_text(response)
    assert cart_lines() == []


def test_text_longer_than_100_characters_is_refused(client, shopper, personalised):
    product = personalised()

    response = add_with_fields(shopper, product, {STAR_MAP_FIELD: "A" * 101})

    assert response.status_code == 422
    assert "“Name on the print” can be at most 100 characters." in page_text(response)
    assert add_with_fields(shopper, product, {STAR_MAP_FIELD: "A" * 100}).status_code == 303


def test_the_cart_keeps_the_buyers_text_and_only_the_products_own_fields(client, shopper, personalised):
    product = personalised(fields=("Name", "Date"))

    response = add_with_fields(shopper, product, {"Name": " Ada  Lovelace ", "Date": "1815", "Price": "0"})

    assert response.status_code == 303
    [line] = cart_lines()
    assert line.personalisation == {"Name": "Ada Lovelace", "Date": "1815"}


def test_logging_in_keeps_the_guests_personalised_line(client, shopper, personalised):
    product = personalised()
    user = make_user("ada@example.com")
    add_with_fields(shopper, product, {STAR_MAP_FIELD: "Ada Lovelace"})

    shopper.log_in(user)

    [line] = cart_lines()
    assert line.personalisation == {STAR_MAP_FIELD: "Ada Lovelace"}


def test_buy_now_cannot_skip_the_buyers_text(client, shopper, personalised):
    product = personalised()

    review = shopper.buy_now(product)
    placed = client.post(
        "/checkout/", data={"source": "buy_now", "product_id": product.id, "quantity": 1, "email": "a@example.com"}
    )

    assert "Needs your personalisation" in page_text(review)
    assert placed.status_code != 303
    assert order_count() == 0
