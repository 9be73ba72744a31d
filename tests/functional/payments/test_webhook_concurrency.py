"""Stripe may deliver one event several times at once; the order must move, and mail go out, exactly once."""

import threading

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.orders.models import PaymentEventKind
from storefront.orders.status import OrderStatus
from storefront.payments.models import WebhookEvent
from tests import stripe_fake
from tests.functional.payments.conftest import WEBHOOK_URL
from tests.functional.payments.support import (
    confirmations_sent,
    payment_events,
    physical_product,
    place_stripe_order,
    reload,
    status_changes,
    stock_of,
)

DELIVERIES = 20


def deliver_concurrently(app, body, headers, times=DELIVERIES):
    """POST the same signed body from `times` threads released together, each with its own test client."""
    start = threading.Barrier(times)
    responses, errors = [], []

    def deliver():
        client = app.test_client()
        start.wait()
        try:
            responses.append(client.post(WEBHOOK_URL, data=body, headers=headers))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return responses


def test_one_event_delivered_twenty_times_at_once_pays_the_order_once(stripe_app):
    product = physical_product(stock=5)
    order = place_stripe_order((product, 2))
    paid = stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order))
    body, headers = stripe_fake.signed(paid)

    responses = deliver_concurrently(stripe_app, body, headers)

    assert [response.status_code for response in responses] == [200] * DELIVERIES
    assert sorted(response.json["duplicate"] for response in responses) == [False] + [True] * (DELIVERIES - 1)
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert status_changes(order) == [OrderStatus.PAID]
    assert len(payment_events(order, PaymentEventKind.CHARGE_SUCCEEDED)) == 1
    assert confirmations_sent(order) == 1
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
    assert stock_of(product) == 3


def test_completed_and_async_succeeded_racing_each_other_record_one_charge(stripe_app):
    order = place_stripe_order((physical_product(), 1))
    session = stripe_fake.checkout_session(order)
    events = [
        stripe_fake.event(event_type, session)
        for event_type in ["checkout.session.completed", "checkout.session.async_payment_succeeded"] * 5
    ]
    start = threading.Barrier(len(events))
    statuses = []

    def deliver(event):
        client = stripe_app.test_client()
        body, headers = stripe_fake.signed(event)
        start.wait()
        statuses.append(client.post(WEBHOOK_URL, data=body, headers=headers).status_code)

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * len(events)
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(payment_events(order)) == 1
    assert status_changes(order) == [OrderStatus.PAID]
    assert confirmations_sent(order) == 1
