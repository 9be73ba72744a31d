"""The buyer sees their text wherever the item is: in the cart (where it can still be changed, checked as when
adding), on the checkout review, on the order page and in the confirmation email."""

import re

import pytest
from sqlalchemy import select

from storefront.cart.models import CartItem
from storefront.extensions import db
from tests.functional.checkout.support import GUEST_EMAIL, Shopper, emails_to, order_paid_on, page_text
from tests.functional.renders.support import add_with_fields

HTMX = {"HX-Request": "true"}
FIELDS = ({"label": "Name", "kind": "text", "max_length": 30}, {"label": "Date", "kind": "date"})


@pytest.fixture
def poster(personalised):
    return personalised("print_png", fields=FIELDS, title="Name Poster")


def the_line():
    db.session.expire_all()
    return db.session.scalar(select(CartItem).order_by(CartItem.id))


def shown(html, label, value):
    return re.search(rf"<dt>{label}</dt><dd>{re.escape(value)}</dd>", html) is not None


def edit(shopper, line, headers=None, **values):
    fields = {f"personalisation[{label}]": value for label, value in values.items()}
    return shopper.client.post(f"/cart/items/{line.id}/personalisation", data=fields, headers=headers)


def test_the_cart_shows_the_buyers_text_with_a_form_to_change_it(shopper, poster):
    add_with_fields(shopper, poster, {"Name": "Zoë", "Date": "2026-12-24"})

    html = page_text(shopper.client.get("/cart/"))

    assert shown(html, "Name", "Zoë") and shown(html, "Date", "2026-12-24")
    line = the_line()
    assert f'action="/cart/items/{line.id}/personalisation"' in html
    assert 'name="personalisation[Name]" value="Zoë"' in html


@pytest.mark.parametrize("headers", [HTMX, None])
def test_changing_the_text_in_the_cart_keeps_the_new_text(shopper, poster, headers):
    add_with_fields(shopper, poster, {"Name": "Zoe", "Date": "2026-12-24"})

    response = edit(shopper, the_line(), headers, Name="  Zoë   Müller ", Date="2027-01-01")

    assert response.status_code == (200 if headers else 303)
    assert the_line().personalisation == {"Name": "Zoë Müller", "Date": "2027-01-01"}
    assert shown(page_text(shopper.client.get("/cart/")), "Name", "Zoë Müller")


@pytest.mark.parametrize(
    "values, message",
    [
        ({"Name": "Zoë 你", "Date": "2026-12-24"}, "This character can't be printed: 你 (in “Name”)."),
        ({"Name": "Zoë", "Date": "24/12/2026"}, "“Date” must be a date, written year-month-day (like 2026-12-24)."),
        ({"Name": "Z" * 31, "Date": "2026-12-24"}, "“Name” can be at most 30 characters."),
        ({"Name": " ", "Date": "2026-12-24"}, "Please fill in “Name”."),
    ],
)
def test_a_refused_change_is_a_422_with_the_message_and_the_typed_text_kept(shopper, poster, values, message):
    add_with_fields(shopper, poster, {"Name": "Zoe", "Date": "2026-12-24"})

    response = edit(shopper, the_line(), HTMX, **values)

    assert response.status_code == 422
    html = page_text(response)
    assert message in html
    assert f'name="personalisation[Name]" value="{values["Name"]}"' in html
    assert '<details class="personalisation-edit" open>' in html
    assert the_line().personalisation == {"Name": "Zoe", "Date": "2026-12-24"}


def test_another_carts_line_cannot_be_changed(app, shopper, poster):
    add_with_fields(shopper, poster, {"Name": "Zoe", "Date": "2026-12-24"})
    stranger = app.test_client()
    mine = the_line()
    add_with_fields(Shopper(stranger), poster, {"Name": "X", "Date": "2026-12-24"})

    response = edit(Shopper(stranger), mine, Name="Mallory", Date="2026-12-24")

    assert response.status_code == 404 and "That item is not in your cart." in page_text(response)
    db.session.expire_all()
    assert db.session.get(CartItem, mine.id).personalisation["Name"] == "Zoe"


def test_the_review_order_page_and_email_show_the_buyers_text(shopper, poster):
    add_with_fields(shopper, poster, {"Name": "Жанна", "Date": "2026-12-24"})

    review = page_text(shopper.client.get("/checkout/"))
    order = buy_personalised_from_cart(shopper)
    order_page = page_text(shopper.client.get(f"/checkout/complete/{order.number}"))
    [email] = [sent for sent in emails_to(GUEST_EMAIL) if sent.subject == f"Your order {order.number}"]

    assert shown(review, "Name", "Жанна") and shown(review, "Date", "2026-12-24")
    assert shown(order_page, "Name", "Жанна") and shown(order_page, "Date", "2026-12-24")
    assert "Name: Жанна" in email.text_body and "Date: 2026-12-24" in email.text_body
    assert "Name: Жанна" in email.html_body


def buy_personalised_from_cart(shopper):
    response = shopper.check_out()
    assert response.status_code == 303, response.get_data(as_text=True)
    order = order_paid_on(response)
    shopper.pay(order)
    return order


def test_a_line_whose_text_no_longer_fits_the_product_blocks_payment_with_the_reason(shopper, poster):
    add_with_fields(shopper, poster, {"Name": "Zoë", "Date": "2026-12-24"})
    poster.buyer_fields = [{"label": "Name", "kind": "text", "max_length": 2}, FIELDS[1]]
    db.session.commit()

    review = page_text(shopper.client.get("/checkout/"))

    assert "Needs your personalisation: “Name” can be at most 2 characters." in review
