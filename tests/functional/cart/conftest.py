"""The `shopper` fixture: a visitor pressing the cart's buttons, as htmx or as a plain form."""

import pytest

from tests.functional.cart.helpers import Shopper


@pytest.fixture
def shopper(client):
    return Shopper(client)
