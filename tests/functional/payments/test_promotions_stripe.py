"""Promotion codes with Stripe: each code is created at Stripe once (coupon + promotion code) and follows the shop's
switch; a code entered in the shop is applied by Stripe; one entered on Stripe's page is recognised on the order."""

from html import unescape

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.promotions import services as promotions
from storefront.promotions.models import PromoCode
from storefront.promotions.tasks import sync_promo_code
from tests import stripe_fake
from tests.factories import make_product, make_user
from tests.functional.payments.support import reload


@pytest.fixture
def shop(stripe_app, fake_checkout):
    stripe_app.config["BASE_URL"] = "https://shop.example.com"
    return stripe_app


@pytest.fixture
def boss(shop):
    return make_user("boss@example.com", role=Role.ADMIN)


def make_code(boss, text="SPRING", kind="percent", value=10, **rules):
    """As the admin page does: the code, then its Stripe copy (run in-process here, after the commit)."""
    from storefront import jobs

    promo = promotions.create_code(promotions.NewCode(text, kind, value, **rules), boss)
    jobs.commit()
    return db.session.get(PromoCode, promo.id)


def test_a_new_code_is_created_at_stripe_with_its_rules(boss, fake_checkout):
    promo = make_code(boss, "SPRING", "fixed", 500, min_subtotal_cents=3000, max_redemptions=50)

    [coupon] = fake_checkout.coupons.values()
    [promotion] = fake_checkout.promotion_codes
    assert (coupon["amount_off"], coupon["currency"], coupon["duration"]) == ("500", "usd", "once")
    assert promotion["code"] == "SPRING" and promotion["promotion"] == {"type": "coupon", "coupon": coupon["id"]}
    assert promotion["max_redemptions"] == "50"
    assert promotion["restrictions"] == {"minimum_amount": "3000", "minimum_amount_currency": "usd"}
    assert (promo.stripe_coupon_id, promo.stripe_promotion_code_id) == (coupon["id"], promotion["id"])


def test_syncing_again_creates_nothing_twice(boss, fake_checkout):
    promo = make_code(boss)
    promo.stripe_promotion_code_id = None  # as if the first run died after Stripe answered
    db.session.commit()

    sync_promo_code(promo.id)

    assert len(fake_checkout.coupons) == 1 and len(fake_checkout.promotion_codes) == 1


def test_switching_a_code_off_switches_it_off_at_stripe(boss, fake_checkout):
    from storefront import jobs

    promo = make_code(boss)
    promotions.set_active(promo, False, boss)
    jobs.commit()

    [promotion] = fake_checkout.promotion_codes
    assert promotion["active"] is False


def test_a_code_entered_in_the_shop_is_applied_by_stripe(boss, client, fake_checkout):
    promo = make_code(boss)
    client.post("/cart/add", data={"product_id": make_product(price_cents=2000).id, "quantity": 1})

    client.post("/checkout/", data={"source": "cart", "email": "buyer@example.com", "promo_code": "spring"})

    [request] = fake_checkout.created
    assert request.params["discounts"] == [{"promotion_code": promo.stripe_promotion_code_id}]
    assert "allow_promotion_codes" not in request.params
    order = db.session.scalar(select(Order))
    assert (order.discount_cents, order.total_cents) == (200, 1800)


def test_a_code_entered_on_stripes_page_is_recognised_on_the_order(boss, client, fake_checkout, webhook):
    promo = make_code(boss)
    client.post("/cart/add", data={"product_id": make_product(price_cents=2000).id, "quantity": 1})
    client.post("/checkout/", data={"source": "cart", "email": "buyer@example.com"})
    order = db.session.scalar(select(Order))
    assert fake_checkout.created[0].params["allow_promotion_codes"] == "true"

    session = stripe_fake.checkout_session(
        order,
        amount_total=1800,
        total_details={"amount_discount": 200},
        discounts=[{"promotion_code": promo.stripe_promotion_code_id}],
    )
    webhook(stripe_fake.event("checkout.session.completed", session))

    order = reload(order)
    assert (order.promo_code_id, order.discount_cents, order.total_cents) == (promo.id, 200, 1800)
    assert not order.needs_attention
    assert promotions.usage_by_code()[promo.id].redemptions == 1


def test_the_admin_page_says_whether_a_code_is_at_stripe(boss, app, fake_checkout):
    make_code(boss)
    admin = app.test_client()
    admin.post("/account/login", data={"email": "boss@example.com", "password": "correct horse battery"})

    assert "active · at Stripe" in unescape(admin.get("/admin/promotions").get_data(as_text=True))
