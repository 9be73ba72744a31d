"""An operator follows the shop in its logs: every request has an id (kept from a router or made here) that is in
the response, in each log line and in the lines of the jobs it queued; each business event is one line; production
logs are JSON; Sentry starts only when configured."""

import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.integrations.flask import FlaskIntegration

from storefront import create_app, jobs
from storefront.config import load_config
from storefront.extensions import db
from storefront.logs import JsonFormatter, bind_order
from storefront.orders.models import Order
from storefront.refunds.services import Actor, RefundRequest, issue_refund
from tests.conftest import TEST_SETTINGS
from tests.factories import make_user
from tests.functional.checkout.support import GUEST_EMAIL, order_paid_on
from tests.functional.downloads.support import ebook
from tests.production import production_environ

ROUTER_ID = "3f1c2a9e-7b4d-4e2a-9c1f-0a5b6c7d8e9f"


@pytest.fixture
def events(caplog):
    """The business event lines logged so far (message text, request id)."""
    caplog.set_level(logging.INFO)

    def lines(prefix=""):
        return [
            (record.getMessage(), record.request_id)
            for record in caplog.records
            if record.name == "storefront.events" and record.getMessage().startswith(prefix)
        ]

    return lines


def place_with_id(client, product, request_id):
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    response = client.post(
        "/checkout/", data={"source": "cart", "email": GUEST_EMAIL}, headers={"X-Request-ID": request_id}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return order_paid_on(response)


def pay_with_id(client, order, request_id):
    response = client.post(
        f"/payments/dummy/{order.gateway_session_id}", data={"action": "pay"}, headers={"X-Request-ID": request_id}
    )
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.get(Order, order.id)


# The request id


def test_every_response_carries_a_fresh_request_id(client):
    first, second = client.get("/"), client.get("/")

    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_sane_incoming_request_id_is_kept(client):
    assert client.get("/", headers={"X-Request-ID": ROUTER_ID}).headers["X-Request-ID"] == ROUTER_ID


@pytest.mark.parametrize("bad", ["short", "x" * 65, "abc def ghi", "id\\nFAKE log line", "<script>alert(1)</script>"])
def test_an_unsafe_incoming_request_id_is_replaced(client, bad):
    answered = client.get("/", headers={"X-Request-ID": bad}).headers["X-Request-ID"]

    assert answered != bad
    assert len(answered) == 32 and answered.isalnum()


def test_log_lines_during_a_request_carry_its_id(client, events):
    order = place_with_id(client, ebook(), ROUTER_ID)

    assert events("order placed") == [(f"order placed: {order.number}, $15.00, dummy", ROUTER_ID)]


def test_a_job_logs_with_the_id_of_the_request_that_queued_it(client, rq_queue, run_worker, events):
    order = place_with_id(client, ebook(), "place-0001")
    order = pay_with_id(client, order, "pay-request-0001")
    assert not events("job done"), "with Redis the jobs wait for the worker"

    run_worker()

    done = events("job done")
    assert done and all(request_id == "pay-request-0001" for _, request_id in done)
    granted = f"job done: storefront.downloads.tasks.grant_entitlements_job (record {_record_of(order)}, order "
    assert any(message == f"{granted}{order.number})" for message, _ in done)
    # The "downloads ready" email is queued by the grant job, and inherits the id from it.
    assert events("email sent") == [
        ("email sent: order_confirmation to g***@example.com", "pay-request-0001"),
        ("email sent: downloads_ready to g***@example.com", "pay-request-0001"),
    ]


def failing_job(order_id):
    """A job that names its order and then fails (queued by dotted path below)."""
    bind_order(db.session.get(Order, order_id).number)
    raise RuntimeError("the printer is on fire")


def test_a_failed_job_says_so_with_its_order_number(client, events):
    order = place_with_id(client, ebook(), "place-0002")

    jobs.enqueue_after_commit("tests.functional.test_logs.failing_job", order.id, job_id=f"fail-{order.id}")
    jobs.commit()

    [(message, _)] = events("job failed")
    assert message.startswith("job failed: tests.functional.test_logs.failing_job (record ")
    assert message.endswith(f", order {order.number}): RuntimeError")


def _record_of(order):
    from storefront.job_records import JobRecord

    return db.session.scalar(db.select(JobRecord.id).where(JobRecord.job_key == f"grant-entitlements-{order.id}"))


# Business events


def test_placing_paying_refunding_and_emailing_each_log_one_line(client, events):
    order = place_with_id(client, ebook(), "shop-0001")
    order = pay_with_id(client, order, "shop-0002")
    boss = make_user("boss@example.com")
    request = RefundRequest(mode="amount", reason="Changed mind", amount_cents=500)
    issue_refund(order.id, request, Actor(boss.id, boss.email), "refund-key-0001")

    messages = [message for message, _ in events()]
    assert f"order placed: {order.number}, $15.00, dummy" in messages
    assert f"order paid: {order.number}, $15.00" in messages
    webhooks = [message for message in messages if message.startswith("webhook ")]
    assert [line.split()[1] for line in webhooks] == ["checkout.session.completed", "charge.refunded"]
    assert all(line.split()[2].startswith("evt_dummy_") for line in webhooks)
    assert f"order refunded: {order.number}, $5.00" in messages
    assert "email sent: order_confirmation to g***@example.com" in messages
    assert "email sent: refund_issued to g***@example.com" in messages
    assert not [message for message in messages if GUEST_EMAIL in message]


def test_the_stripe_sdk_logs_only_warnings(app, caplog):
    caplog.set_level(logging.INFO)  # the shop's own INFO lines are wanted

    assert not logging.getLogger("stripe").isEnabledFor(logging.INFO)
    assert logging.getLogger("stripe").isEnabledFor(logging.WARNING)


# Formats and Sentry


def test_production_logs_json_and_local_runs_text(tmp_path):
    assert load_config(production_environ(), instance_path=tmp_path)["LOG_FORMAT"] == "json"
    assert load_config({}, instance_path=tmp_path)["LOG_FORMAT"] == "text"
    assert load_config(production_environ(LOG_FORMAT="text"), instance_path=tmp_path)["LOG_FORMAT"] == "text"


def test_a_json_line_parses_with_the_request_id(client, caplog):
    caplog.set_level(logging.INFO)
    place_with_id(client, ebook(), ROUTER_ID)
    record = next(record for record in caplog.records if record.getMessage().startswith("order placed"))

    line = json.loads(JsonFormatter().format(record))

    assert line["request_id"] == ROUTER_ID
    assert line["level"] == "INFO" and line["logger"] == "storefront.events"
    assert line["message"].startswith("order placed: SF-")


@pytest.fixture
def sentry_inits(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_without_a_dsn_sentry_is_not_started(sentry_inits):
    create_app({**TEST_SETTINGS, "SENTRY_DSN": None})

    assert sentry_inits == []


def test_with_a_dsn_sentry_starts_with_the_flask_integration(sentry_inits):
    create_app({**TEST_SETTINGS, "SENTRY_DSN": "https://public@sentry.example.com/1"})

    [options] = sentry_inits
    assert options["dsn"] == "https://public@sentry.example.com/1"
    assert any(isinstance(integration, FlaskIntegration) for integration in options["integrations"])
    assert options["send_default_pii"] is False
