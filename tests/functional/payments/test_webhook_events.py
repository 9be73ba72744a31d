"""What each Stripe event does to an order, including events that arrive late or out of order."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.cart import services as carts
from storefront.cart.models import CartItem
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import OrderEvent, PaymentEventKind
from storefront.orders.status import OrderStatus
from tests import stripe_fake
from tests.factories import make_product
from tests.functional.payments.support import (
    cart_with,
    confirmations_sent,
    payment_events,
    physical_product,
    place_stripe_order,
    reload,
    status_changes,
    stock_of,
)

SHIPPING = {
    "name": "Ada Lovelace",
    "address": {
        "line1": "12 St James's Square",
        "line2": None,
        "postal_code": "SW1Y 4JH",
        "city": "London",
        "state": None,
        "country": "GB",
    },
}


@pytest.fixture
def print_(stripe_app):
    return physical_product(price_cents=2000, stock=5, title="Harbour print")


@pytest.fixture
def order(print_):
    return place_stripe_order((print_, 2))


def session_event(event_type, order, payment_status="paid", **session):
    return stripe_fake.event(event_type, stripe_fake.checkout_session(order, payment_status, **session))


def refund_event(order, amount_refunded, payment_intent=None):
    intent = payment_intent or f"pi_{order.number}"
    return stripe_fake.event("charge.refunded", stripe_fake.charge(intent, order.total_cents, amount_refunded))


def messages(order):
    return db.session.scalars(select(OrderEvent.message).where(OrderEvent.order_id == order.id)).all()


# checkout.session.completed


def test_a_paid_checkout_marks_the_order_paid_and_records_the_charge(webhook, order, print_):
    response = webhook(session_event("checkout.session.completed", order, shipping_details=SHIPPING))

    assert response.status_code == 200
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert order.payment_intent_id == f"pi_{order.number}"
    [charge] = payment_events(order)
    assert (charge.kind, charge.amount_cents, charge.currency) == (PaymentEventKind.CHARGE_SUCCEEDED, 4500, "USD")
    assert charge.provider == "stripe"
    assert charge.provider_object_id == f"pi_{order.number}"
    assert status_changes(order) == [OrderStatus.PAID]
    assert order.amount_paid_cents == order.total_cents
    assert stock_of(print_) == 3


def test_a_promotion_code_used_on_stripes_page_lowers_the_order_total(webhook, order):
    # 2 prints at $20.00, free shipping from $50.00 is not reached: $5.00 shipping; the code takes $10.00 off.
    paid = order.total_cents - 1000
    discount = {"amount_discount": 1000}
    event = session_event("checkout.session.completed", order, amount_total=paid, total_details=discount)

    webhook(event)

    order = reload(order)
    assert (order.discount_cents, order.total_cents) == (1000, paid)
    assert order.amount_paid_cents == order.total_cents
    assert "Promotion code applied at checkout: $10.00 off." in [e.message for e in order.events]


def test_a_paid_checkout_keeps_the_shipping_address_the_shopper_gave_stripe(webhook, order):
    webhook(session_event("checkout.session.completed", order, shipping_details=SHIPPING))

    order = reload(order)
    assert order.shipping_name == "Ada Lovelace"
    assert order.shipping_address == "12 St James's Square\nSW1Y 4JH\nLondon\nGB"


def test_a_paid_checkout_sends_one_order_confirmation(webhook, order):
    webhook(session_event("checkout.session.completed", order))

    assert confirmations_sent(order) == 1


def test_a_paid_checkout_removes_the_bought_lines_from_the_shoppers_cart(webhook, print_):
    mug = make_product(title="Mug", price_cents=900)
    cart = cart_with((print_, 1))
    order = place_stripe_order((print_, 1), cart=cart)
    carts.add_item(cart, mug.id)  # added in another tab while paying
    db.session.commit()

    webhook(session_event("checkout.session.completed", order))

    left = db.session.scalars(select(CartItem.product_id).where(CartItem.cart_id == cart.id)).all()
    assert left == [mug.id]


def test_a_checkout_still_confirming_leaves_the_order_pending(webhook, order, print_):
    webhook(session_event("checkout.session.completed", order, payment_status="unpaid"))

    order = reload(order)
    assert order.status == OrderStatus.PENDING
    assert order.payment_intent_id == f"pi_{order.number}"
    assert payment_events(order) == []
    assert "Checkout completed; the payment method is still confirming." in messages(order)
    assert confirmations_sent(order) == 0
    assert stock_of(print_) == 3


def test_a_free_checkout_with_no_payment_required_is_paid(webhook, order):
    webhook(session_event("checkout.session.completed", order, payment_status="no_payment_required"))

    assert reload(order).status == OrderStatus.PAID


# Delayed payment methods


def test_a_delayed_payment_that_succeeds_pays_the_order(webhook, order):
    webhook(session_event("checkout.session.completed", order, payment_status="unpaid"))
    webhook(session_event("checkout.session.async_payment_succeeded", order))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(payment_events(order, PaymentEventKind.CHARGE_SUCCEEDED)) == 1
    assert confirmations_sent(order) == 1


def test_completed_and_async_succeeded_for_the_same_session_record_one_charge(webhook, order):
    webhook(session_event("checkout.session.completed", order))
    webhook(session_event("checkout.session.async_payment_succeeded", order))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(payment_events(order)) == 1
    assert order.amount_paid_cents == order.total_cents
    assert status_changes(order) == [OrderStatus.PAID]
    assert confirmations_sent(order) == 1


def test_a_delayed_payment_that_fails_fails_the_order_and_releases_its_stock(webhook, order, print_):
    webhook(session_event("checkout.session.completed", order, payment_status="unpaid"))
    webhook(session_event("checkout.session.async_payment_failed", order, payment_status="unpaid"))

    order = reload(order)
    assert order.status == OrderStatus.FAILED
    assert [event.kind for event in payment_events(order)] == [PaymentEventKind.CHARGE_FAILED]
    assert stock_of(print_) == 5
    assert not order.holds_stock
    assert confirmations_sent(order) == 0


# checkout.session.expired


def test_an_expired_checkout_expires_the_order_and_releases_its_stock(webhook, order, print_):
    webhook(session_event("checkout.session.expired", order, payment_status="unpaid", status="expired"))

    order = reload(order)
    assert order.status == OrderStatus.EXPIRED
    assert status_changes(order) == [OrderStatus.EXPIRED]
    assert stock_of(print_) == 5


def test_an_expiry_for_an_order_already_paid_changes_nothing(webhook, order, print_):
    webhook(session_event("checkout.session.completed", order))
    webhook(session_event("checkout.session.expired", order, payment_status="unpaid", status="expired"))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert stock_of(print_) == 3
    assert status_changes(order) == [OrderStatus.PAID]


# payment_intent.payment_failed


def test_a_declined_card_is_recorded_and_the_order_stays_open_for_another_try(webhook, order, print_):
    intent = {
        "id": f"pi_{order.number}",
        "object": "payment_intent",
        "amount": order.total_cents,
        "currency": "usd",
        "metadata": {"order_id": str(order.id), "order_number": order.number},
        "latest_charge": "ch_declined_1",
        "last_payment_error": {"message": "Your card was declined."},
    }

    response = webhook(stripe_fake.event("payment_intent.payment_failed", intent))

    assert response.status_code == 200
    order = reload(order)
    assert order.status == OrderStatus.PENDING
    [failure] = payment_events(order)
    assert (failure.kind, failure.amount_cents, failure.provider_object_id) == (
        PaymentEventKind.CHARGE_FAILED,
        order.total_cents,
        "ch_declined_1",
    )
    assert "A payment attempt failed: Your card was declined." in messages(order)
    assert stock_of(print_) == 3


def test_a_declined_card_then_a_successful_one_pays_the_order(webhook, order):
    intent = {
        "id": f"pi_{order.number}",
        "object": "payment_intent",
        "amount": order.total_cents,
        "currency": "usd",
        "metadata": {"order_id": str(order.id)},
        "latest_charge": "ch_declined_2",
    }
    webhook(stripe_fake.event("payment_intent.payment_failed", intent))
    webhook(session_event("checkout.session.completed", order))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert [e.kind for e in payment_events(order)] == [
        PaymentEventKind.CHARGE_FAILED,
        PaymentEventKind.CHARGE_SUCCEEDED,
    ]


# charge.refunded


@pytest.fixture
def paid_order(webhook, order):
    webhook(session_event("checkout.session.completed", order))
    return reload(order)


def test_a_partial_refund_records_the_refund_and_marks_the_order_partially_refunded(webhook, paid_order):
    webhook(refund_event(paid_order, 1000))

    order = reload(paid_order)
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    [refund] = payment_events(order, PaymentEventKind.REFUND_SUCCEEDED)
    assert (refund.amount_cents, refund.currency) == (1000, "USD")
    assert order.amount_refunded_cents == 1000


def test_refunds_add_up_to_a_full_refund(webhook, paid_order):
    webhook(refund_event(paid_order, 1000))
    webhook(refund_event(paid_order, paid_order.total_cents))

    order = reload(paid_order)
    assert order.status == OrderStatus.REFUNDED
    assert [e.amount_cents for e in payment_events(order, PaymentEventKind.REFUND_SUCCEEDED)] == [1000, 3500]
    assert status_changes(order) == [OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED]


def test_a_full_refund_at_once_refunds_the_order(webhook, paid_order):
    webhook(refund_event(paid_order, paid_order.total_cents))

    assert reload(paid_order).status == OrderStatus.REFUNDED


def test_an_older_smaller_refund_total_arriving_late_changes_nothing(webhook, paid_order):
    newer, older = refund_event(paid_order, 3000), refund_event(paid_order, 1000)
    webhook(newer)
    webhook(older)

    order = reload(paid_order)
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.amount_refunded_cents == 3000
    assert len(payment_events(order, PaymentEventKind.REFUND_SUCCEEDED)) == 1


def test_the_same_refund_total_sent_in_two_events_is_counted_once(webhook, paid_order):
    webhook(refund_event(paid_order, 1000))
    webhook(refund_event(paid_order, 1000))

    assert reload(paid_order).amount_refunded_cents == 1000


def test_a_refund_without_a_payment_intent_is_ignored(webhook, paid_order):
    charge = stripe_fake.charge(None, paid_order.total_cents, 500)

    assert webhook(stripe_fake.event("charge.refunded", charge)).status_code == 200
    assert reload(paid_order).amount_refunded_cents == 0


# Out of order


def test_a_completion_arriving_after_the_expiry_pays_the_order_and_takes_the_stock_again(webhook, order, print_):
    webhook(session_event("checkout.session.expired", order, payment_status="unpaid", status="expired"))
    assert stock_of(print_) == 5

    webhook(session_event("checkout.session.completed", order))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert order.holds_stock
    assert stock_of(print_) == 3
    assert status_changes(order) == [OrderStatus.EXPIRED, OrderStatus.PAID]
    assert confirmations_sent(order) == 1


def test_a_completion_after_expiry_when_the_stock_is_gone_is_paid_and_flagged(webhook, order, print_):
    webhook(session_event("checkout.session.expired", order, payment_status="unpaid", status="expired"))
    place_stripe_order((print_, 5))  # someone else buys everything meanwhile

    webhook(session_event("checkout.session.completed", order))

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert not order.holds_stock
    assert stock_of(print_) == 0
    assert order.needs_attention and "stock ran out" in order.attention_reason


def test_a_completion_arriving_after_the_shopper_canceled_pays_the_order(webhook, order):
    orders.give_up(orders.lock_order(order.id), OrderStatus.CANCELED, "Canceled by the shopper.")
    jobs.commit()

    webhook(session_event("checkout.session.completed", order))

    assert reload(order).status == OrderStatus.PAID


def test_an_expiry_arriving_after_a_failed_payment_changes_nothing(webhook, order, print_):
    webhook(session_event("checkout.session.async_payment_failed", order, payment_status="unpaid"))
    webhook(session_event("checkout.session.expired", order, payment_status="unpaid", status="expired"))

    assert reload(order).status == OrderStatus.FAILED
    assert stock_of(print_) == 5


def test_the_expiry_job_leaves_alone_an_order_whose_delayed_payment_is_in_flight(webhook, order, print_):
    webhook(session_event("checkout.session.completed", order, payment_status="unpaid"))

    orders.expire_overdue_orders(now=reload(order).expires_at + timedelta(minutes=1))
    jobs.commit()

    assert reload(order).status == OrderStatus.PENDING
    assert stock_of(print_) == 3
