"""Checkout fixtures: jobs run in-process, and shoppers each with their own browser session."""

import pytest

from tests.functional.checkout.support import Shopper


@pytest.fixture
def new_shopper(app):
    """Another browser: `new_shopper()` returns a shopper with a fresh test client (no cookies)."""
    return lambda: Shopper(app.test_client())
