"""Placing the pending order: who may, with which email, and what blocks payment. Refused checkouts leave
no order behind and the stock as it was."""

import re

import pytest
from sqlalchemy import select

from storefront.accounts.services import block_user
from storefront.cart.models import Cart
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments.gateways import DummyGateway, PaymentGatewayError
from tests.factories import make_user
from tests.functional.checkout.support import (
    GUEST_EMAIL,
    digital,
    order_count,
    order_paid_on,
    page_text,
    physical,
    stock_of,
    titles_in_cart,
)

ORDER_NUMBER = re.compile(r"^SF-\d{4}-[0-9A-HJKMNP-TV-Z]{8}$")


def test_guest_checkout_places_a_pending_order_and_hands_over_to_the_gateway(shopper):
    mug = physical(title="Harbour Mug", price_cents=1200, stock=5)
    shopper.add(mug, quantity=2)

    response = shopper.check_out(email="  Guest@Example.COM ")

    order = order_paid_on(response)
    assert response.status_code == 303
    assert ORDER_NUMBER.match(order.number)
    assert (order.status, order.email, order.user_id, order.gateway) == ("pending", GUEST_EMAIL, None, "dummy")
    assert [(i.title, i.unit_price_cents, i.quantity, i.kind) for i in order.items] == [
        ("Harbour Mug", 1200, 2, "physical")
    ]
    assert order.expires_at > order.created_at
    assert stock_of(mug) == 3
    assert titles_in_cart(order.cart_id) == ["Harbour Mug"]


def test_checkout_window_follows_the_configured_minutes(app, shopper):
    app.config["CHECKOUT_EXPIRES_MINUTES"] = 30
    order = shopper.place(digital())

    minutes = (order.expires_at - order.created_at).total_seconds() / 60
    assert 29.9 < minutes <= 30.1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email so we can send the receipt."),
        ("not-an-email", "Enter a valid email address."),
        ("guest@", "Enter a valid email address."),
    ],
)
def test_guest_must_give_a_valid_email(shopper, email, message):
    shopper.add(physical(stock=2))

    response = shopper.check_out(email=email)

    assert response.status_code == 422
    assert message in page_text(response)
    assert order_count() == 0


def test_blocked_shopper_cannot_check_out(shopper):
    user = make_user("blocked@example.com")
    shopper.log_in(user)
    mug = physical(stock=2)
    shopper.add(mug)
    block_user(user, "chargebacks")
    db.session.commit()

    assert shopper.client.get("/checkout/").status_code == 403
    assert shopper.check_out(email="another@example.com").status_code == 403
    assert shopper.buy_now(mug).status_code == 403
    assert order_count() == 0
    assert stock_of(mug) == 2


@pytest.mark.parametrize(
    ("make_unbuyable", "message"),
    [
        pytest.param(lambda p: setattr(p, "is_published", False), "No longer available", id="unpublished"),
        pytest.param(lambda p: setattr(p, "stock", 0), "Out of stock", id="sold-out"),
        pytest.param(lambda p: setattr(p, "stock", 1), "Only 1 available", id="too-few-left"),
    ],
)
def test_an_item_that_cannot_be_bought_blocks_checkout(shopper, make_unbuyable, message):
    mug, poster = physical(stock=5), physical(stock=5)
    shopper.add(mug, quantity=2)
    shopper.add(poster)
    make_unbuyable(mug)
    db.session.commit()
    stock_before = stock_of(mug), stock_of(poster)

    review = shopper.client.get("/checkout/")
    response = shopper.check_out()

    assert message in page_text(review)
    assert "Pay $" not in page_text(review)
    assert response.status_code == 422
    assert message in page_text(response)
    assert order_count() == 0
    assert (stock_of(mug), stock_of(poster)) == stock_before


def test_when_the_payment_provider_is_down_the_order_is_canceled_and_the_stock_freed(shopper, monkeypatch):
    def unreachable(_gateway, _order):
        raise PaymentGatewayError("The payment provider is not available right now. Please try again shortly.")

    monkeypatch.setattr(DummyGateway, "create_checkout_session", unreachable)
    mug = physical(stock=2)
    shopper.add(mug)

    response = shopper.check_out()

    assert (response.status_code, response.headers["Location"]) == (303, "/cart/")
    assert "The payment provider is not available right now." in page_text(shopper.client.get("/cart/"))
    [order] = db.session.scalars(select(Order)).all()
    assert order.status == OrderStatus.CANCELED
    assert stock_of(mug) == 2
    assert titles_in_cart(order.cart_id) == [mug.title]


def test_an_empty_cart_has_nothing_to_check_out(shopper):
    assert shopper.client.get("/checkout/").headers["Location"] == "/cart/"
    response = shopper.check_out()
    assert (response.status_code, response.headers["Location"]) == (303, "/cart/")
    assert order_count() == 0


# Buy now


def test_buy_now_reviews_just_that_item_and_leaves_the_cart_alone(shopper):
    in_cart, lamp = digital(title="Poster"), physical(title="Desk Lamp", price_cents=3000, stock=4)
    shopper.add(in_cart)

    review = shopper.buy_now(lamp, quantity=2)

    assert review.status_code == 200
    assert "2 × Desk Lamp" in page_text(review)
    assert "× Poster" not in page_text(review)
    response = shopper.client.post(
        "/checkout/", data={"source": "buy_now", "product_id": lamp.id, "quantity": 2, "email": GUEST_EMAIL}
    )
    order = order_paid_on(response)
    assert order.cart_id is None
    assert [(item.title, item.quantity) for item in order.items] == [("Desk Lamp", 2)]
    assert order.total_cents == 6000
    shopper.pay(order)
    assert order.status == OrderStatus.PAID
    assert stock_of(lamp) == 2
    [cart_id] = db.session.scalars(select(Cart.id)).all()
    assert titles_in_cart(cart_id) == ["Poster"]


def test_buy_now_of_a_hidden_product_is_not_found(shopper):
    assert shopper.buy_now(digital(published=False)).status_code == 404
