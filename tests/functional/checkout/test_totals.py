"""What the shopper pays is worked out by the server from the database: prices, shipping and totals."""

import pytest

from storefront.extensions import db
from storefront.orders.status import OrderStatus
from tests.functional.checkout.support import digital, order_paid_on, page_text, physical

MAKERS = {"physical": physical, "digital": digital}


def totals(order):
    return order.subtotal_cents, order.shipping_cents, order.total_cents


def test_tampered_price_and_total_fields_are_ignored(shopper):
    shopper.add(physical(price_cents=2000))

    tampered = {name: "1" for name in ("price_cents", "unit_price_cents", "subtotal_cents", "total_cents", "amount")}
    response = shopper.check_out(**tampered, shipping_cents="0")

    order = order_paid_on(response)
    assert totals(order) == (2000, 500, 2500)
    assert [item.unit_price_cents for item in order.items] == [2000]


def test_a_price_change_after_adding_is_announced_and_the_new_price_is_charged(shopper):
    lamp = physical(title="Desk Lamp", price_cents=2000)
    shopper.add(lamp)
    lamp.price_cents = 2600
    db.session.commit()

    review = page_text(shopper.client.get("/checkout/"))
    order = order_paid_on(shopper.check_out())

    assert "The price changed from $20.00 to $26.00 since you added it. You pay the new price." in review
    assert "Pay $31.00" in review
    assert totals(order) == (2600, 500, 3100)
    shopper.pay(order)
    assert order.status == OrderStatus.PAID
    assert order.amount_paid_cents == 3100


def test_order_lines_keep_the_title_and_price_they_were_sold_at(shopper):
    lamp = physical(title="Desk Lamp", price_cents=2000)
    order = shopper.place(lamp)

    lamp.title, lamp.price_cents = "Renamed Lamp", 9900
    db.session.commit()
    db.session.refresh(order)

    [item] = order.items
    assert (item.title, item.unit_price_cents, item.quantity, item.kind) == ("Desk Lamp", 2000, 1, "physical")
    assert "Desk Lamp" in page_text(shopper.client.get(f"/checkout/complete/{order.number}"))


@pytest.mark.parametrize(
    ("lines", "shipping"),
    [
        pytest.param([("physical", 4999)], 500, id="physical-below-threshold"),
        pytest.param([("physical", 5000)], 0, id="physical-at-threshold"),
        pytest.param([("physical", 3000), ("physical", 3000)], 0, id="physical-above-threshold"),
        pytest.param([("digital", 1000)], 0, id="digital-only"),
        pytest.param([("digital", 1000), ("physical", 1000)], 500, id="mixed-below-threshold"),
    ],
)
def test_shipping_is_a_flat_rate_for_parcels_below_the_free_shipping_threshold(shopper, lines, shipping):
    products = [MAKERS[kind](price_cents=price) for kind, price in lines]
    subtotal = sum(price for _kind, price in lines)

    for product in products:
        shopper.add(product)
    review = page_text(shopper.client.get("/checkout/"))
    order = order_paid_on(shopper.check_out())

    assert totals(order) == (subtotal, shipping, subtotal + shipping)
    assert order.requires_shipping == any(kind == "physical" for kind, _price in lines)
    assert ("Shipping" in review) == order.requires_shipping
    assert f"Pay ${(subtotal + shipping) / 100:,.2f}" in review


@pytest.mark.parametrize(
    ("flat_rate", "threshold", "price", "shipping"),
    [
        pytest.param(750, 10_000, 6000, 750, id="higher-threshold"),
        pytest.param(750, 10_000, 10_000, 0, id="at-the-new-threshold"),
        pytest.param(300, 0, 50_000, 300, id="free-shipping-turned-off"),
        pytest.param(0, 5000, 1000, 0, id="no-flat-rate"),
    ],
)
def test_shipping_follows_the_shops_settings(app, shopper, flat_rate, threshold, price, shipping):
    app.config.update(SHIPPING_FLAT_RATE_CENTS=flat_rate, FREE_SHIPPING_THRESHOLD_CENTS=threshold)
    shopper.add(physical(price_cents=price))

    order = order_paid_on(shopper.check_out())

    assert totals(order) == (price, shipping, price + shipping)
