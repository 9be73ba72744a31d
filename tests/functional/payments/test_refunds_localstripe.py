"""Refunds Stripe reports for charges we cannot yet match to an order: the gateway asks Stripe (here
localstripe) for the PaymentIntent, whose metadata names the order."""

import pytest

from storefront.orders.models import PaymentEventKind
from storefront.orders.status import OrderStatus
from tests import stripe_fake
from tests.functional.payments.support import (
    payment_events,
    physical_product,
    place_stripe_order,
    reload,
    status_changes,
)


@pytest.fixture
def order(stripe_app):
    return place_stripe_order((physical_product(price_cents=2000), 2))


def pay_at_stripe(stripe, order, metadata=None):
    """The shopper pays: a confirmed PaymentIntent carrying the order in its metadata, as our sessions set it."""
    return stripe.v1.payment_intents.create(
        params={
            "amount": order.total_cents,
            "currency": order.currency.lower(),
            "metadata": {"order_id": str(order.id), "order_number": order.number} if metadata is None else metadata,
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def refund_at_stripe(stripe, intent, amount):
    """Refund through Stripe and return the charge as the `charge.refunded` event would carry it."""
    stripe.v1.refunds.create(params={"payment_intent": intent.id, "amount": amount})
    charge_id = stripe.v1.payment_intents.retrieve(intent.id).to_dict()["latest_charge"]
    charge_id = charge_id["id"] if isinstance(charge_id, dict) else charge_id
    return stripe.v1.charges.retrieve(charge_id).to_dict()


def completed(order, intent):
    return stripe_fake.event(
        "checkout.session.completed", stripe_fake.checkout_session(order, payment_intent=intent.id)
    )


def test_a_refund_for_a_known_payment_intent_is_recorded(webhook, localstripe, order):
    intent = pay_at_stripe(localstripe, order)
    webhook(completed(order, intent))

    charge = refund_at_stripe(localstripe, intent, 1500)
    response = webhook(stripe_fake.event("charge.refunded", charge))

    assert response.status_code == 200
    assert charge["amount_refunded"] == 1500
    order = reload(order)
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    [refund] = payment_events(order, PaymentEventKind.REFUND_SUCCEEDED)
    assert refund.amount_cents == 1500
    assert refund.provider_object_id == f"{charge['id']}@1500"


def test_a_refund_overtaking_the_completion_is_matched_through_the_intents_metadata(webhook, localstripe, order):
    intent = pay_at_stripe(localstripe, order)
    charge = refund_at_stripe(localstripe, intent, order.total_cents)
    assert charge["payment_intent"] == intent.id

    response = webhook(stripe_fake.event("charge.refunded", charge))

    assert response.status_code == 200
    order = reload(order)
    assert order.status == OrderStatus.PENDING
    assert [e.amount_cents for e in payment_events(order, PaymentEventKind.REFUND_SUCCEEDED)] == [order.total_cents]


def test_once_the_overtaken_completion_arrives_the_order_ends_refunded(webhook, localstripe, order):
    intent = pay_at_stripe(localstripe, order)
    webhook(stripe_fake.event("charge.refunded", refund_at_stripe(localstripe, intent, order.total_cents)))

    webhook(completed(order, intent))

    order = reload(order)
    assert order.status == OrderStatus.REFUNDED
    assert status_changes(order) == [OrderStatus.PAID, OrderStatus.REFUNDED]
    assert order.amount_paid_cents == order.amount_refunded_cents == order.total_cents


def test_a_partial_refund_overtaking_the_completion_ends_partially_refunded(webhook, localstripe, order):
    intent = pay_at_stripe(localstripe, order)
    webhook(stripe_fake.event("charge.refunded", refund_at_stripe(localstripe, intent, 1000)))

    webhook(completed(order, intent))

    assert reload(order).status == OrderStatus.PARTIALLY_REFUNDED


def test_a_refund_of_someone_elses_payment_is_acknowledged_and_ignored(webhook, localstripe, order):
    intent = pay_at_stripe(localstripe, order, metadata={"source": "point of sale"})

    response = webhook(stripe_fake.event("charge.refunded", refund_at_stripe(localstripe, intent, 500)))

    assert response.status_code == 200
    assert payment_events(reload(order)) == []


def test_when_stripe_cannot_be_asked_the_event_fails_and_its_redelivery_is_applied(
    stripe_app, webhook, localstripe, localstripe_url, order
):
    intent = pay_at_stripe(localstripe, order)
    refunded = stripe_fake.event("charge.refunded", refund_at_stripe(localstripe, intent, 1000))
    stripe_app.config.update(STRIPE_API_BASE=f"http://127.0.0.1:{stripe_fake.free_port()}", PROPAGATE_EXCEPTIONS=False)

    failed = webhook(refunded)
    stripe_app.config["STRIPE_API_BASE"] = localstripe_url
    redelivered = webhook(refunded)

    assert failed.status_code == 500  # so Stripe delivers it again later
    assert redelivered.status_code == 200
    assert redelivered.json["duplicate"] is False
    assert reload(order).amount_refunded_cents == 1000
