"""An admin sees the webhook deliveries the shop refused: when, why, from where and what they claimed to be, without
their bodies; a flood of forgeries adds a bounded number of rows, old rows are pruned, and the dashboard counts the
last week's refusals with a link to the list."""

import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from storefront.accounts.models import Role
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.payments import failures
from storefront.payments.models import WebhookFailure
from storefront.periodic import PERIODIC_JOBS
from tests import stripe_fake
from tests.factories import make_user
from tests.functional.payments.conftest import WEBHOOK_URL
from tests.functional.payments.support import physical_product, place_stripe_order

PAGE_URL = "/admin/webhook-failures"
FORGER = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def admin(client, auth):
    make_user("owner@example.com", role=Role.ADMIN)
    auth.login("owner@example.com")
    return client


@pytest.fixture
def paid_event(stripe_app):
    order = place_stripe_order((physical_product(), 1), email="secret-buyer@example.com")
    return stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order), event_id="evt_forged1")


def stored():
    return db.session.scalars(select(WebhookFailure).order_by(WebhookFailure.id)).all()


def refusals_counted():
    return db.session.scalar(select(func.sum(WebhookFailure.repeats)))


def forge(client, payload, **headers):
    body, signed_headers = stripe_fake.signed(payload, secret="whsec_someone_else")
    return client.post(WEBHOOK_URL, data=body, headers={**signed_headers, **headers}, environ_base=FORGER)


def test_a_forged_event_is_kept_with_its_claimed_identity_but_not_its_body(client, paid_event):
    response = forge(client, paid_event)

    assert response.status_code == 400
    [refusal] = stored()
    assert refusal.provider == "stripe"
    assert "signature" in refusal.reason.lower()
    assert refusal.source_address == "203.0.113.9"
    assert (refusal.event_id, refusal.event_type) == ("evt_forged1", "checkout.session.completed")
    assert refusal.body_size == len(json.dumps(paid_event))
    assert refusal.body_prefix == json.dumps(paid_event)[:40]
    assert not any("secret-buyer" in str(value) for value in vars(refusal).values())


def test_a_signed_body_that_is_not_json_is_kept_without_an_identity(webhook):
    response = webhook("not json at all")

    assert response.status_code == 400
    [refusal] = stored()
    assert (refusal.event_id, refusal.event_type, refusal.body_prefix) == (None, None, "not json at all")


def test_a_delivery_without_a_signature_is_kept(client, stripe_app):
    client.post(WEBHOOK_URL, data="{}", content_type="application/json")

    assert [refusal.reason for refusal in stored()] == ["missing Stripe-Signature header"]


def test_a_delivery_while_webhooks_are_not_configured_is_kept(stripe_app, webhook, paid_event):
    stripe_app.config["STRIPE_WEBHOOK_SECRET"] = None

    assert webhook(paid_event).status_code == 503
    assert [refusal.reason for refusal in stored()] == ["STRIPE_WEBHOOK_SECRET is not set"]


def test_an_oversized_delivery_is_kept_by_its_size_alone(client, stripe_app):
    body = b"x" * (300 * 1024)

    assert client.post(WEBHOOK_URL, data=body, content_type="application/json").status_code == 413
    [refusal] = stored()
    assert (refusal.reason, refusal.body_size, refusal.body_prefix) == ("payload too large", len(body), "")


def test_a_genuine_event_leaves_no_failure(webhook, paid_event):
    assert webhook(paid_event).status_code == 200
    assert stored() == []


def test_a_flood_of_forgeries_writes_a_few_rows_a_minute_and_counts_the_rest(client, paid_event):
    for _ in range(failures.PER_MINUTE + 15):
        forge(client, paid_event)

    assert len(stored()) <= failures.PER_MINUTE + 1  # the last forgeries may straddle a minute
    assert refusals_counted() == failures.PER_MINUTE + 15


def test_the_cap_is_per_minute(app):
    minute = datetime(2026, 12, 1, 10, 0)
    for second in [*range(failures.PER_MINUTE + 5), 60]:
        failures.record_refusal("stripe", "bad signature", "198.51.100.1", now=minute + timedelta(seconds=second))
    db.session.commit()

    rows = stored()
    assert len(rows) == failures.PER_MINUTE + 1
    assert [row.repeats for row in rows[-2:]] == [6, 1]


def add_refusal(at, reason="bad signature", repeats=1):
    db.session.add(WebhookFailure(provider="stripe", received_at=at, reason=reason, repeats=repeats, body_size=2))
    db.session.commit()


def test_refusals_older_than_thirty_days_are_pruned_by_a_periodic_job(app):
    now = utcnow()
    add_refusal(now - timedelta(days=31), reason="old")
    add_refusal(now - timedelta(days=29), reason="recent")

    failures.prune_webhook_failures_job()

    assert [refusal.reason for refusal in stored()] == ["recent"]
    assert failures.prune_webhook_failures_job in [job for job, _interval in PERIODIC_JOBS]


def test_the_admin_lists_refusals_newest_first_in_pages(admin):
    now = utcnow()
    for n in range(51):
        add_refusal(now - timedelta(minutes=n), reason=f"refusal {n}")

    first = admin.get(PAGE_URL).get_data(as_text=True)
    second = admin.get(PAGE_URL + "?page=2").get_data(as_text=True)

    reasons = re.findall(r"<td>(refusal [0-9]+)</td>", first)
    assert reasons == [f"refusal {n}" for n in range(50)]
    assert re.findall(r"<td>(refusal [0-9]+)</td>", second) == ["refusal 50"]
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_a_minute_past_the_cap_shows_how_many_more_came(admin):
    add_refusal(utcnow(), repeats=12)

    assert "and 11 more that minute" in admin.get(PAGE_URL).get_data(as_text=True)


def test_an_empty_list_says_so(admin):
    assert "No webhook delivery was refused" in admin.get(PAGE_URL).get_data(as_text=True)


def test_the_dashboard_counts_the_last_weeks_refusals_and_links_to_them(admin):
    now = utcnow()
    add_refusal(now - timedelta(days=8))
    add_refusal(now - timedelta(days=6), repeats=3)
    add_refusal(now - timedelta(minutes=1))

    page = admin.get("/admin/").get_data(as_text=True)

    box = re.search(r'<div id="action-failed-webhooks">(.*?)</div>', page, re.S).group(1)
    assert re.search(r'<a href="([^"]+)">([0-9]+)</a>', box).groups() == (PAGE_URL, "4")
