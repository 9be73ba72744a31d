"""Forms and htmx requests that change state carry the page's CSRF token; without it nothing happens."""

import re

import pytest
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"
CREDENTIALS = {"email": EMAIL, "password": DEFAULT_PASSWORD}
EXPIRED = "This form has expired or was not sent from our site."


@pytest.fixture(autouse=True)
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def page_token(client, url="/account/login"):
    """The token htmx sends: the one in the page's `<meta name="csrf-token">`."""
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def header_of(client):
    return client.get("/").get_data(as_text=True).split("</header>")[0]


def log_in_like_htmx(client):
    return client.post(
        "/account/login", data=CREDENTIALS, headers={"HX-Request": "true", "X-CSRFToken": page_token(client)}
    )


def test_login_without_the_token_is_refused_and_changes_nothing(client):
    make_user(EMAIL)
    client.get("/account/login")  # the session exists, but the form comes from elsewhere

    response = client.post("/account/login", data=CREDENTIALS)

    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert "Log out" not in header_of(client)
    assert db.session.scalar(select(User.last_login_at)) is None


def test_htmx_login_with_the_pages_token_in_a_header_is_accepted(client):
    make_user(EMAIL)

    response = log_in_like_htmx(client)

    assert response.status_code == 302
    assert "Log out" in header_of(client)


def test_log_out_button_without_the_token_keeps_the_shopper_logged_in(client):
    make_user(EMAIL)
    log_in_like_htmx(client)

    refused = client.post("/account/logout")

    assert refused.status_code == 400
    assert EXPIRED in refused.get_data(as_text=True)
    assert "Log out" in header_of(client)

    accepted = client.post("/account/logout", data={"csrf_token": page_token(client, "/")})

    assert accepted.status_code == 302
    assert "Log out" not in header_of(client)
