"""Payments fixtures: Stripe settings, signed webhook deliveries, a fake of Stripe's Checkout endpoints and a
localstripe server for the rest of the API."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
import stripe

from tests import stripe_fake

WEBHOOK_URL = "/payments/stripe/webhook"


@pytest.fixture
def stripe_app(app):
    """The shop taking payments through Stripe, webhooks signed with whsec_test, jobs run in-process."""
    app.config.update(
        PAYMENT_GATEWAY="stripe",
        STRIPE_SECRET_KEY="sk_test_storefront",
        STRIPE_WEBHOOK_SECRET=stripe_fake.WEBHOOK_SECRET,
        REDIS_URL=None,
    )
    return app


@pytest.fixture
def fake_checkout(stripe_app):
    """Stripe's Checkout Session endpoints, faked on loopback; the app's Stripe client points at it."""
    fake = stripe_fake.FakeStripeCheckout().start()
    stripe_app.config["STRIPE_API_BASE"] = fake.url
    yield fake
    fake.stop()


def _wait_until_listening(url, process, seconds=60):
    probe = stripe.StripeClient("sk_test_probe", base_addresses={"api": url})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"localstripe exited with status {process.returncode}")
        try:
            probe.v1.balance.retrieve()
            return
        except stripe.APIConnectionError:
            time.sleep(0.1)
    pytest.fail(f"localstripe did not answer at {url} within {seconds} s")


@pytest.fixture(scope="session")
def localstripe_url():
    """A localstripe server for this test run: it covers PaymentIntents, Charges and Refunds."""
    url = f"http://127.0.0.1:{stripe_fake.free_port()}"
    command = [str(Path(sys.executable).with_name("localstripe")), "--port", url.rsplit(":", 1)[1], "--from-scratch"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_listening(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def localstripe(stripe_app, localstripe_url):
    """Point the app's Stripe client at localstripe; returns a client with which the test plays Stripe's side."""
    stripe_app.config["STRIPE_API_BASE"] = localstripe_url
    return stripe.StripeClient("sk_test_storefront", base_addresses={"api": localstripe_url})


@pytest.fixture
def webhook(client, stripe_app):
    """Deliver an event signed as Stripe signs it: `webhook(event, secret=..., timestamp=...)`."""

    def deliver(event, **signing):
        body, headers = stripe_fake.signed(event, **signing)
        return client.post(WEBHOOK_URL, data=body, headers=headers)

    return deliver
