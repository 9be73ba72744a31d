"""The buyer's text for a personalised product: asked for on the product page, each field by its kind (text up to
its length limit, or a date) and in letters the template's font can draw; kept in the cart and copied into the
order."""

import re

import pytest
from sqlalchemy import select

from storefront.cart.models import CartItem
from storefront.extensions import db
from tests.factories import make_product, make_user
from tests.functional.checkout.support import Shopper, order_count, page_text
from tests.functional.renders.support import STAR_MAP_FIELD, add_with_fields


def cart_lines():
    db.session.expire_all()
    return db.session.scalars(select(CartItem)).all()


NAME = {"label": "Name", "kind": "text", "max_length": 30}
DATE = {"label": "Date", "kind": "date", "max_length": 10}


def _input(form, label):
    return re.search(rf'<input [^>]*name="personalisation\[{label}\]"[^>]*>', form).group(0)


def test_product_page_asks_for_each_buyer_field_by_kind_with_its_limit_and_offers_no_buy_now(client, personalised):
    product = personalised(fields=(NAME, DATE))

    html = page_text(client.get(f"/products/{product.slug}"))

    form = html.split('<form class="buy-form"')[1].split("</form>")[0]
    assert re.search(r'<label for="personalisation-1">Name</label>', form)
    assert 'type="text" maxlength="30"' in _input(form, "Name") and "Up to 30 characters." in form
    assert 'type="date"' in _input(form, "Date") and "A date, printed as year-month-day (like 2026-12-24)." in form
    assert "printed exactly as you type" not in html.lower()
    assert "Buy now" not in form


def test_a_product_saved_with_bare_labels_still_asks_for_text_of_up_to_100_characters(client, personalised):
    product = personalised(fields=("Name",))

    html = page_text(client.get(f"/products/{product.slug}"))

    assert 'type="text" maxlength="100"' in _input(html, "Name")
    assert add_with_fields(Shopper(client), product, {"Name": "A" * 101}).status_code == 422


@pytest.mark.parametrize("typed", ["24/12/2026", "2026-13-01", "2026-02-30", "tomorrow", "20261224"])
def test_a_date_field_takes_only_a_real_year_month_day_date(client, shopper, personalised, typed):
    product = personalised(fields=(NAME, DATE))

    response = add_with_fields(shopper, product, {"Name": "Ada", "Date": typed})

    assert response.status_code == 422
    assert "“Date” must be a date, written year-month-day (like 2026-12-24)." in page_text(response)
    assert cart_lines() == []


def test_a_date_field_keeps_the_iso_date(client, shopper, personalised):
    product = personalised(fields=(NAME, DATE))

    assert add_with_fields(shopper, product, {"Name": "Ada", "Date": " 2026-12-24 "}).status_code == 303

    [line] = cart_lines()
    assert line.personalisation == {"Name": "Ada", "Date": "2026-12-24"}


def test_text_over_the_fields_own_limit_is_refused_with_the_limit(client, shopper, personalised):
    product = personalised(fields=(NAME,))

    response = add_with_fields(shopper, product, {"Name": "A" * 31})

    assert response.status_code == 422
    assert "“Name” can be at most 30 characters." in page_text(response)
    assert add_with_fields(shopper, product, {"Name": "A" * 30}).status_code == 303


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_characters_the_font_cannot_draw_are_refused_by_name(client, shopper, personalised, headers):
    product = personalised(fields=(NAME,))

    response = add_with_fields(shopper, product, {"Name": "Zoë 你 🎉"}, **headers)

    assert response.status_code == 422
    assert "These characters can't be printed: 你, 🎉 (in “Name”)." in page_text(response)
    assert cart_lines() == []


def test_accents_greek_and_cyrillic_are_taken_as_typed_in_composed_form(client, shopper, personalised):
    product = personalised(fields=("Name",))

    response = add_with_fields(shopper, product, {"Name": "Zoe\u0308 Ζωή Жанна"})

    assert response.status_code == 303
    [line] = cart_lines()
    assert line.personalisation == {"Name": "Zoë Ζωή Жанна"}


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
