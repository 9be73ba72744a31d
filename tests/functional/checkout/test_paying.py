"""A shopper pays on the dummy gateway's page: the order is paid, the money and address recorded, the cart
cleared of what was bought and one confirmation email sent. Declines and slow payments keep the order open."""

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import PaymentEvent, PaymentEventKind
from storefront.orders.status import OrderStatus
from tests.factories import make_user
from tests.functional.checkout.support import (
    ADDRESS,
    GUEST_EMAIL,
    digital,
    emails_to,
    page_text,
    physical,
    stock_of,
    titles_in_cart,
)


def payments(order, kind=None):
    query = select(PaymentEvent).where(PaymentEvent.order_id == order.id).order_by(PaymentEvent.id)
    events = db.session.scalars(query).all()
    return [event for event in events if kind is None or event.kind == kind]


def test_guest_pays_for_a_download_and_gets_one_confirmation_email(shopper):
    ebook = digital(title="Field Guide", price_cents=1500)
    order = shopper.place(ebook)

    payment_page = shopper.client.get(f"/payments/dummy/{order.gateway_session_id}")
    assert "TEST PAYMENT PAGE" in page_text(payment_page)
    response = shopper.pay(order)

    assert response.headers["Location"] == f"/checkout/complete/{order.number}"
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert order.email == GUEST_EMAIL
    assert order.shipping_address is None
    charges = payments(order, PaymentEventKind.CHARGE_SUCCEEDED)
    assert [(c.amount_cents, c.currency) for c in charges] == [(1500, "USD")]
    [email] = emails_to(GUEST_EMAIL)
    assert order.number in email.subject
    assert "Field Guide" in email.text_body
    assert "Payment received" in page_text(shopper.client.get(response.headers["Location"]))


def test_guest_pays_for_a_parcel_and_the_shipping_address_is_kept(shopper):
    mug = physical(title="Harbour Mug", price_cents=1200, stock=4)
    order = shopper.place(mug)

    shopper.pay(order)

    assert order.status == OrderStatus.PAID
    assert order.total_cents == 1200 + 500
    assert [c.amount_cents for c in payments(order, PaymentEventKind.CHARGE_SUCCEEDED)] == [1700]
    assert order.shipping_name == ADDRESS["name"]
    assert order.shipping_address == "12 Analytical Row\nN1 7AA\nLondon\nGB"
    assert stock_of(mug) == 3
    assert len(emails_to(GUEST_EMAIL)) == 1


def test_paying_empties_the_bought_lines_but_keeps_what_was_added_later(shopper):
    poster, mug, late_addition = digital(title="Poster"), physical(title="Mug"), digital(title="Late Addition")
    order = shopper.place(poster, mug)
    shopper.add(late_addition)

    shopper.pay(order)

    assert titles_in_cart(order.cart_id) == ["Late Addition"]


def test_logged_in_shopper_pays_and_the_receipt_goes_to_their_account_email(shopper):
    user = make_user("member@example.com")
    shopper.log_in(user)
    order = shopper.place(digital(), email="someone-else@example.com")

    shopper.pay(order)

    assert (order.email, order.user_id, order.status) == ("member@example.com", user.id, OrderStatus.PAID)
    assert len(emails_to("member@example.com")) == 1
    assert emails_to("someone-else@example.com") == []


def test_a_parcel_cannot_be_paid_without_a_shipping_address(shopper):
    order = shopper.place(physical())

    response = shopper.gateway(order, "pay", **{**ADDRESS, "postal_code": ""})

    assert response.status_code == 422
    assert "Enter the shipping address." in page_text(response)
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING
    assert payments(order) == []


def test_a_declined_card_keeps_the_order_open_for_another_try(shopper):
    mug = physical(stock=2)
    order = shopper.place(mug)

    declined = shopper.gateway(order, "decline")

    assert declined.status_code == 402
    assert "Your card was declined" in page_text(declined)
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING
    assert [e.kind for e in payments(order)] == [PaymentEventKind.CHARGE_FAILED]
    assert stock_of(mug) == 1
    shopper.pay(order)
    assert order.status == OrderStatus.PAID


def test_a_slow_payment_waits_for_the_bank_then_is_paid(shopper):
    order = shopper.place(digital(price_cents=2500))

    response = shopper.pay(order, "pay_slowly")

    assert order.status == OrderStatus.PENDING
    assert "Confirming your payment" in page_text(shopper.client.get(response.headers["Location"]))
    assert emails_to(GUEST_EMAIL) == []
    shopper.gateway(order, "settle_succeeded")
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert [c.amount_cents for c in payments(order, PaymentEventKind.CHARGE_SUCCEEDED)] == [2500]
    assert len(emails_to(GUEST_EMAIL)) == 1


def test_a_slow_payment_the_bank_rejects_fails_the_order_and_frees_the_stock(shopper):
    mug = physical(stock=3)
    order = shopper.place(mug)
    shopper.pay(order, "pay_slowly")
    assert stock_of(mug) == 2

    shopper.gateway(order, "settle_failed")

    db.session.refresh(order)
    assert order.status == OrderStatus.FAILED
    assert [e.kind for e in payments(order)] == [PaymentEventKind.CHARGE_FAILED]
    assert stock_of(mug) == 3
    assert emails_to(GUEST_EMAIL) == []
    assert "Payment failed" in page_text(shopper.client.get(f"/checkout/complete/{order.number}"))
