"""Promotion codes at the shop's checkout (the dummy gateway): the discount shown before paying and carried by the
order, and a clear reason for every code refused."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.promotions import services as promotions
from storefront.promotions.models import PromoCode
from tests.factories import make_user
from tests.functional.checkout.support import GUEST_EMAIL, digital, order_paid_on, physical


@pytest.fixture
def boss(app):
    return make_user("boss@example.com", role=Role.ADMIN)


@pytest.fixture
def code(boss):
    """Make a code as the admin would: make("SPRING", "percent", 10, min_subtotal_cents=...)."""

    def make(text, kind="percent", value=10, **rules):
        promo = promotions.create_code(promotions.NewCode(text, kind, value, **rules), boss)
        db.session.commit()
        return promo

    return make


def check_out(shopper, code_text, action=None):
    data = {"source": "cart", "email": GUEST_EMAIL, "promo_code": code_text}
    if action:
        data["action"] = action
    return shopper.client.post("/checkout/", data=data)


def test_applying_a_code_shows_the_discounted_total_before_paying(shopper, code):
    code("SPRING")
    shopper.add(digital(price_cents=2000))

    response = check_out(shopper, " spring ", action="apply")

    text = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Discount" in text and "−$2.00" in text and "Pay $18.00" in text


def test_the_order_carries_the_discount_and_the_code(shopper, code):
    promo = code("SPRING")
    shopper.add(digital(price_cents=1999))

    order = order_paid_on(check_out(shopper, "SPRING"))
    shopper.pay(order)

    order = db.session.get(Order, order.id)
    assert (order.discount_cents, order.total_cents, order.promo_code_id) == (199, 1800, promo.id)
    assert order.status == OrderStatus.PAID and not order.needs_attention


def test_a_fixed_amount_never_takes_more_than_the_subtotal(shopper, code):
    code("GIFT50", kind="fixed", value=5000)
    shopper.add(digital(price_cents=1500))

    response = check_out(shopper, "GIFT50")

    order = db.session.scalar(select(Order))
    assert (order.discount_cents, order.total_cents, order.status) == (1500, 0, OrderStatus.PAID)
    assert response.headers["Location"] == f"/checkout/complete/{order.number}", "nothing to pay: no payment page"


def _refusal(shopper, code_text):
    orders_before = db.session.scalar(select(db.func.count(Order.id)))
    response = check_out(shopper, code_text)
    assert response.status_code == 422
    assert db.session.scalar(select(db.func.count(Order.id))) == orders_before, "a refused code places no order"
    return unescape(response.get_data(as_text=True))


def test_an_unknown_code_is_refused(shopper):
    shopper.add(digital())

    assert "“NOPE” is not a code we know" in _refusal(shopper, "nope")


def test_a_code_switched_off_is_refused(shopper, code, boss):
    promotions.set_active(code("SPRING"), False, boss)
    db.session.commit()
    shopper.add(digital())

    assert "no longer active" in _refusal(shopper, "SPRING")


def test_an_expired_code_is_refused(shopper, code):
    promo = code("SPRING", expires_at=utcnow() + timedelta(days=1))
    promo.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    shopper.add(digital())

    assert "The code SPRING expired." in _refusal(shopper, "SPRING")


def test_a_subtotal_under_the_minimum_is_refused(shopper, code):
    code("BIGBASKET", min_subtotal_cents=5000)
    shopper.add(digital(price_cents=1500))

    assert "needs a subtotal of at least $50.00" in _refusal(shopper, "BIGBASKET")


def test_a_code_used_up_is_refused(app, shopper, code):
    code("ONCE", max_redemptions=1)
    first = app.test_client()
    first.post("/cart/add", data={"product_id": digital().id, "quantity": 1})
    first.post("/checkout/", data={"source": "cart", "email": "first@example.com", "promo_code": "ONCE"})
    shopper.add(digital())

    assert "has been used as many times as it allows" in _refusal(shopper, "ONCE")


def test_a_code_in_another_currency_is_refused(shopper, code):
    code("EUROS")
    db.session.execute(db.update(PromoCode).values(currency="EUR"))
    db.session.commit()
    shopper.add(physical(price_cents=2000))

    assert "The code EUROS is for prices in EUR." in _refusal(shopper, "EUROS")
