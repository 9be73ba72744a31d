"""Downloads fixtures: jobs run in-process, shoppers each with their own browser, paid orders with real files."""

import pytest

from tests.functional.downloads.support import ebook


@pytest.fixture
def new_browser(app):
    """Another browser: `new_browser()` returns a fresh test client (no cookies)."""
    return app.test_client


@pytest.fixture
def paid_ebook_order(shopper):
    """A guest's paid order for an ebook with one file; the shopper's browser placed it."""
    order = shopper.place(ebook())
    shopper.pay(order)
    return order
