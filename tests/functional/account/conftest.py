"""Account fixtures: registered shoppers with a browser each."""

import pytest

from tests.factories import make_user
from tests.functional.account.support import logged_in


@pytest.fixture
def ada(app):
    """A registered shopper, logged in in a browser of her own: (user, shopper)."""
    user = make_user("ada@example.com")
    return user, logged_in(app, user)


@pytest.fixture
def bob(app):
    user = make_user("bob@example.com")
    return user, logged_in(app, user)
