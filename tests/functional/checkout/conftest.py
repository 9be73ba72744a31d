"""Checkout fixtures: jobs run in-process, and shoppers each with their own browser session."""

import pytest

from tests.functional.checkout.support import Shopper


@pytest.fixture(autouse=True)
def jobs_in_process(app):
    """Without Redis the deferred jobs (the order confirmation) run right after the commit, inside the test."""
    app.config["REDIS_URL"] = None


@pytest.fixture
def shopper(client):
    return Shopper(client)


@pytest.fixture
def new_shopper(app):
    """Another browser: `new_shopper()` returns a shopper with a fresh test client (no cookies)."""
    return lambda: Shopper(app.test_client())
