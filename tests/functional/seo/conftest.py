import pytest

from tests.functional.seo.support import SHOP


@pytest.fixture
def shop(app):
    """The app as deployed at SHOP: every absolute URL is built from BASE_URL, whatever Host the request names."""
    app.config["BASE_URL"] = SHOP
    return app
