"""Only genuine, fresh Stripe events reach the order: anything else is refused with 400 and changes nothing."""

import json
import time

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.orders.status import OrderStatus
from storefront.payments.models import WebhookEvent
from tests import stripe_fake
from tests.functional.payments.conftest import WEBHOOK_URL
from tests.functional.payments.support import payment_events, physical_product, place_stripe_order, reload, stock_of


@pytest.fixture
def order(stripe_app):
    return place_stripe_order((physical_product(), 1))


@pytest.fixture
def paid_event(order):
    return stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order))


def webhook_events_stored():
    return db.session.scalar(select(func.count()).select_from(WebhookEvent))


def assert_nothing_changed(order):
    order = reload(order)
    assert order.status == OrderStatus.PENDING
    assert payment_events(order) == []
    assert webhook_events_stored() == 0


def test_a_correctly_signed_event_pays_the_order(webhook, order, paid_event):
    response = webhook(paid_event)

    assert response.status_code == 200
    assert response.json == {"received": True, "duplicate": False}
    assert reload(order).status == OrderStatus.PAID


def test_an_event_signed_with_another_secret_is_refused(webhook, order, paid_event):
    response = webhook(paid_event, secret="whsec_someone_else")

    assert response.status_code == 400
    assert_nothing_changed(order)


def test_an_event_whose_body_was_altered_after_signing_is_refused(client, order, paid_event):
    body, headers = stripe_fake.signed(paid_event)
    tampered = body.replace(f'"amount_total": {order.total_cents}', '"amount_total": 1')

    response = client.post(WEBHOOK_URL, data=tampered, headers=headers)

    assert tampered != body
    assert response.status_code == 400
    assert_nothing_changed(order)


def test_an_event_without_a_signature_header_is_refused(client, order, paid_event):
    response = client.post(WEBHOOK_URL, data=json.dumps(paid_event), content_type="application/json")

    assert response.status_code == 400
    assert_nothing_changed(order)


@pytest.mark.parametrize("header", ["", "garbage", "t=notanumber,v1=abc", "v1=deadbeef"])
def test_an_event_with_a_malformed_signature_header_is_refused(client, order, paid_event, header):
    response = client.post(
        WEBHOOK_URL, data=json.dumps(paid_event), headers={"Stripe-Signature": header}, content_type="application/json"
    )

    assert response.status_code == 400
    assert_nothing_changed(order)


def test_a_replayed_event_signed_more_than_five_minutes_ago_is_refused(webhook, order, paid_event):
    response = webhook(paid_event, timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert_nothing_changed(order)


def test_an_event_signed_four_minutes_ago_is_still_accepted(webhook, order, paid_event):
    response = webhook(paid_event, timestamp=int(time.time()) - 240)

    assert response.status_code == 200
    assert reload(order).status == OrderStatus.PAID


NOT_EVENTS = {
    "not-json": "not json at all",
    "a-list": "[1, 2, 3]",
    "a-string": '"a string"',
    "empty-object": "{}",
    "no-data": '{"id": "evt_1", "type": "checkout.session.completed"}',
    "data-not-an-object": '{"id": "evt_1", "type": "checkout.session.completed", "data": "paid"}',
    "no-data-object": '{"id": "evt_1", "type": "checkout.session.completed", "data": {}}',
    "data-object-a-list": '{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": []}}',
    "numeric-id": '{"id": 1, "type": "checkout.session.completed", "data": {"object": {}}}',
    "empty-id": '{"id": "", "type": "checkout.session.completed", "data": {"object": {}}}',
    "no-type": '{"id": "evt_1", "data": {"object": {}}}',
}


@pytest.mark.parametrize("payload", NOT_EVENTS.values(), ids=NOT_EVENTS.keys())
def test_a_correctly_signed_body_that_is_not_an_event_is_refused(webhook, order, payload):
    response = webhook(payload)

    assert response.status_code == 400
    assert_nothing_changed(order)


def test_without_a_webhook_secret_the_endpoint_says_it_is_not_configured(stripe_app, webhook, order, paid_event):
    stripe_app.config["STRIPE_WEBHOOK_SECRET"] = None

    response = webhook(paid_event)

    assert response.status_code == 503
    assert response.json == {"error": "webhooks are not configured"}
    assert_nothing_changed(order)


def test_the_webhook_needs_no_csrf_token(stripe_app, webhook, order, paid_event):
    stripe_app.config["WTF_CSRF_ENABLED"] = True

    assert webhook(paid_event).status_code == 200


def test_the_webhook_only_accepts_post(client, stripe_app):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_an_event_of_a_type_we_do_not_handle_is_acknowledged_and_ignored(webhook, order):
    response = webhook(stripe_fake.event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert response.status_code == 200
    assert reload(order).status == OrderStatus.PENDING


def test_a_session_naming_an_order_by_the_wrong_number_is_ignored(webhook, order):
    session = stripe_fake.checkout_session(order, client_reference_id="SOMEONE-ELSE")

    assert webhook(stripe_fake.event("checkout.session.completed", session)).status_code == 200
    assert reload(order).status == OrderStatus.PENDING
    assert payment_events(order) == []


@pytest.mark.parametrize("order_id", [None, "", "abc", "999999", "²", "٣", "99999999999999999999", 12.5])
def test_a_session_without_a_usable_order_id_is_acknowledged_and_ignored(webhook, order, order_id):
    session = stripe_fake.checkout_session(order, metadata={"order_id": order_id} if order_id is not None else {})

    assert webhook(stripe_fake.event("checkout.session.completed", session)).status_code == 200
    assert reload(order).status == OrderStatus.PENDING


# Duplicate delivery


def test_the_same_event_delivered_twice_is_acted_on_once(webhook, order, paid_event):
    first = webhook(paid_event)
    second = webhook(paid_event)

    assert first.json == {"received": True, "duplicate": False}
    assert second.status_code == 200
    assert second.json == {"received": True, "duplicate": True}
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(payment_events(order)) == 1
    assert webhook_events_stored() == 1


def test_a_redelivered_expiry_does_not_release_stock_twice(webhook, stripe_app):
    product = physical_product(stock=5)
    order = place_stripe_order((product, 2))
    expired = stripe_fake.event(
        "checkout.session.expired", stripe_fake.checkout_session(order, payment_status="unpaid")
    )

    webhook(expired)
    second = webhook(expired)

    assert second.json["duplicate"] is True
    assert reload(order).status == OrderStatus.EXPIRED
    assert stock_of(product) == 5


@pytest.mark.parametrize("order_id", ["²", "99999999999999999999"])
def test_a_declined_attempt_naming_an_impossible_order_is_acknowledged(webhook, order, order_id):
    intent = {"id": "pi_x", "object": "payment_intent", "metadata": {"order_id": order_id}, "amount": 100}

    assert webhook(stripe_fake.event("payment_intent.payment_failed", intent)).status_code == 200
    assert payment_events(order) == []
