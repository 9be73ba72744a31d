import pytest

from tests.functional.reviews.support import admin_browser


@pytest.fixture
def admin(app):
    """A browser logged in as an admin."""
    return admin_browser(app)
