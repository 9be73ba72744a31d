"""Stripe decides what is canceled, one cart has one live order, and the amount paid must match the order.

A shopper who paid on Stripe's page and then clicks "Cancel" keeps a pending order and its stock; paying twice from
one cart (back button, second tab) ends the first order before the second is placed; a payment that reaches an order
we had ended, or that does not match its total, is recorded and flagged for a person."""

from html import unescape

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from tests import stripe_fake
from tests.factories import Role, make_user
from tests.functional.downloads.support import ebook, entitlements_of
from tests.functional.payments.support import physical_product, reload, stock_of

BUYER = "buyer@example.com"
CONTACT = "A person from our team will contact you"


@pytest.fixture
def shop(stripe_app, fake_checkout):
    stripe_app.config["BASE_URL"] = "https://shop.example.com"
    return stripe_app


@pytest.fixture
def mug(shop):
    return physical_product(price_cents=1600, stock=3, title="Harbour mug")


def add(client, product, quantity=1):
    assert client.post("/cart/add", data={"product_id": product.id, "quantity": quantity}).status_code == 303


def pay_button(client):
    return client.post("/checkout/", data={"source": "cart", "email": BUYER})


def orders_by_id():
    db.session.expire_all()
    return db.session.scalars(select(Order).order_by(Order.id)).all()


def completed(order, **session):
    return stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order, **session))


def page(client, order):
    return unescape(client.get(f"/checkout/complete/{order.number}").get_data(as_text=True))


# Item 3: cancel only what Stripe agrees is canceled


def test_cancel_after_paying_on_stripes_page_keeps_the_order_and_its_stock(shop, client, mug, fake_checkout):
    add(client, mug, 2)
    pay_button(client)
    [order] = orders_by_id()
    fake_checkout.complete_session(order.gateway_session_id)  # paid; the webhook has not landed yet

    response = client.post(f"/checkout/cancel/{order.number}", follow_redirects=True)

    assert response.request.path == f"/checkout/complete/{order.number}"
    assert "Your payment is being confirmed, so this order cannot be canceled now." in unescape(response.text)
    assert reload(order).status == OrderStatus.PENDING
    assert stock_of(mug) == 1, "the stock stays with the paying shopper"


def test_the_payment_then_lands_on_an_order_that_still_has_its_stock(shop, client, mug, fake_checkout, webhook):
    add(client, mug, 2)
    pay_button(client)
    [order] = orders_by_id()
    fake_checkout.complete_session(order.gateway_session_id)
    client.post(f"/checkout/cancel/{order.number}")

    webhook(completed(order))

    order = reload(order)
    assert (order.status, order.holds_stock, order.needs_attention) == (OrderStatus.PAID, True, False)


def test_cancel_of_a_session_that_expired_already_cancels(shop, client, mug, fake_checkout):
    add(client, mug)
    pay_button(client)
    [order] = orders_by_id()
    fake_checkout.expire_session(order.gateway_session_id)

    client.post(f"/checkout/cancel/{order.number}")

    assert reload(order).status == OrderStatus.CANCELED
    assert stock_of(mug) == 3


# Item 4: one live order per cart


def test_paying_twice_from_one_cart_ends_the_first_order(shop, client, mug, fake_checkout):
    add(client, mug, 2)
    pay_button(client)
    second_tab = pay_button(client)

    first, second = orders_by_id()
    assert second_tab.status_code == 303
    assert (first.status, second.status) == (OrderStatus.CANCELED, OrderStatus.PENDING)
    assert fake_checkout.sessions[first.gateway_session_id]["status"] == "expired"
    assert stock_of(mug) == 1, "the cart's items are held once, not twice"
    assert "Replaced by a newer order from the same cart." in [event.message for event in first.events]


def test_a_cart_whose_order_is_being_paid_starts_no_second_one(shop, client, mug, fake_checkout):
    add(client, mug)
    pay_button(client)
    [first] = orders_by_id()
    fake_checkout.complete_session(first.gateway_session_id, payment_status="unpaid")  # a bank debit confirming

    response = pay_button(client)

    assert response.headers["Location"] == f"/checkout/complete/{first.number}"
    assert [order.id for order in orders_by_id()] == [first.id]
    assert len(fake_checkout.created) == 1, "no second Stripe session: nothing can be charged twice"


def test_when_stripe_is_down_no_second_order_is_placed(shop, client, mug, fake_checkout):
    add(client, mug)
    pay_button(client)
    fake_checkout.fail_with = 500

    response = pay_button(client)

    assert response.status_code == 503
    assert "not available right now" in unescape(response.text)
    assert [order.status for order in orders_by_id()] == [OrderStatus.PENDING]


def test_a_replaced_order_paid_anyway_is_flagged_for_a_person(shop, client, mug, fake_checkout, webhook):
    add(client, mug)
    pay_button(client)
    pay_button(client)
    first, second = orders_by_id()

    webhook(completed(first))  # the first tab's session had been paid before Stripe expired it
    webhook(completed(second))

    first, second = orders_by_id()
    assert (first.status, second.status) == (OrderStatus.PAID, OrderStatus.PAID)
    assert first.needs_attention and "canceled" in first.attention_reason
    assert not second.needs_attention
    assert CONTACT in page(client, first)


def test_admins_filter_the_orders_that_need_attention(shop, client, mug, fake_checkout, webhook, auth):
    add(client, mug)
    pay_button(client)
    pay_button(client)
    first, second = orders_by_id()
    webhook(completed(first))
    make_user("boss@example.com", role=Role.ADMIN)
    auth.login("boss@example.com")

    flagged = client.get("/admin/orders?attention=1").text
    everything = client.get("/admin/orders").text

    assert first.number in flagged and second.number not in flagged
    assert first.number in everything and second.number in everything
    assert "1 order needs attention" in client.get("/admin/").text


# Item 5: the amount paid is checked


@pytest.mark.parametrize(
    "session, paid",
    [
        ({"amount_total": 100}, False),
        ({"currency": "eur"}, False),
        ({"amount_total": 99_999}, True),
    ],
    ids=["less-than-the-total", "another-currency", "more-than-the-total"],
)
def test_a_payment_that_does_not_match_the_total_is_recorded_and_flagged(shop, client, webhook, session, paid):
    book = ebook()
    add(client, book)
    pay_button(client)
    [order] = orders_by_id()

    webhook(completed(order, **session))

    order = reload(order)
    assert order.needs_attention and "the order totals $15.00" in order.attention_reason
    assert order.amount_paid_cents == session.get("amount_total", order.total_cents)
    assert (order.status == OrderStatus.PAID) is paid
    assert bool(entitlements_of(order)) is paid, "files go out only when the full total was paid"
    assert CONTACT in page(client, order)


def test_a_matching_payment_is_not_flagged(shop, client, webhook):
    add(client, ebook())
    pay_button(client)
    [order] = orders_by_id()

    webhook(completed(order))

    assert (reload(order).status, reload(order).needs_attention) == (OrderStatus.PAID, False)


# Item 6: free orders


def test_a_free_download_completes_without_a_payment_page(shop, client, fake_checkout):
    freebie = ebook(title="Free sampler", price_cents=0)
    add(client, freebie)

    response = pay_button(client)

    [order] = orders_by_id()
    assert response.headers["Location"] == f"/checkout/complete/{order.number}"
    assert fake_checkout.created == [], "no gateway session for an order that costs nothing"
    assert (order.status, order.gateway, order.total_cents) == (OrderStatus.PAID, "free", 0)
    assert [e.file_name for e in entitlements_of(order)] == ["harbour-birds.pdf"]
    text = page(client, order)
    assert "Your order is complete" in text and "harbour-birds.pdf" in text
    sent = db.session.scalars(select(EmailDelivery.kind).where(EmailDelivery.status == "sent")).all()
    assert sorted(sent) == ["downloads_ready", "order_confirmation"]


def test_the_review_page_offers_a_free_order_without_a_price(shop, client):
    add(client, ebook(title="Free sampler", price_cents=0))

    assert "Get it now, free" in client.get("/checkout/").text


def test_a_cart_with_a_price_still_goes_to_stripe(shop, client, fake_checkout):
    add(client, ebook(title="Free sampler", price_cents=0))
    add(client, ebook(title="Paid guide", price_cents=500))

    pay_button(client)

    assert len(fake_checkout.created) == 1
    assert db.session.scalar(select(func.count(Order.id)).where(Order.status == OrderStatus.PENDING)) == 1
