"""A shopper logs in and out; wrong credentials, unsafe `next` links and blocked accounts are refused."""

from urllib.parse import parse_qs, urlsplit

import pytest

from storefront.accounts.models import Role
from storefront.accounts.services import block_user
from storefront.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"


def header_of(client):
    """The site header of the shop's front page, as the person sees it next."""
    return client.get("/").get_data(as_text=True).split("</header>")[0]


def login_with_next(client, next_url):
    return client.post(
        "/account/login", query_string={"next": next_url}, data={"email": EMAIL, "password": DEFAULT_PASSWORD}
    )


@pytest.mark.parametrize("typed_email", [EMAIL, "ADA@Example.COM"], ids=["as-registered", "other-case"])
def test_shopper_logs_in(client, auth, typed_email):
    make_user(EMAIL)

    response = auth.login(typed_email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log out" in header_of(client)


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "not my password"), ("nobody@example.com", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_shopper_login_refused_with_the_same_message(client, auth, email, password):
    make_user(EMAIL)

    response = auth.login(email, password)

    assert response.status_code == 422
    assert "Email or password is incorrect." in response.get_data(as_text=True)
    assert "Log out" not in header_of(client)


@pytest.mark.parametrize("remember", [True, False], ids=["remember-me", "this-visit-only"])
def test_shopper_stays_logged_in_after_closing_the_browser_only_when_remembered(client, auth, remember):
    make_user(EMAIL)

    auth.login(EMAIL, remember=remember)

    assert (client.get_cookie("remember_token") is not None) is remember
    client.delete_cookie("session")  # closing the browser drops the session cookie
    assert ("Log out" in header_of(client)) is remember


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/admin/", "/admin/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ],
    ids=["same-site-path", "other-site", "scheme-relative", "backslash"],
)
def test_shopper_is_sent_on_only_to_pages_of_this_shop(client, next_url, landing):
    make_user(EMAIL)

    response = login_with_next(client, next_url)

    assert response.status_code == 302
    assert response.headers["Location"] == landing


def test_shopper_logs_out_with_the_button_not_a_link(client, auth):
    make_user(EMAIL)
    auth.login(EMAIL)

    link = client.get("/account/logout")
    assert link.status_code == 405
    assert "POST" in link.headers["Allow"]
    assert "Log out" in header_of(client)

    response = auth.logout()

    assert response.status_code == 302
    header = header_of(client)
    assert "Log out" not in header
    assert "Log in" in header


@pytest.mark.parametrize("reason", ["Chargeback fraud", None], ids=["with-reason", "without-reason"])
def test_blocked_shopper_cannot_log_in_and_is_told_why(client, auth, reason):
    block_user(make_user(EMAIL), reason)
    db.session.commit()

    response = auth.login(EMAIL)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This account is blocked and cannot log in." in page
    assert reason is None or reason in page
    assert "Log out" not in header_of(client)


def test_blocked_shopper_with_a_wrong_password_learns_nothing_about_the_block(client, auth):
    block_user(make_user(EMAIL), "Chargeback fraud")
    db.session.commit()

    response = auth.login(EMAIL, "not my password")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Email or password is incorrect." in page
    assert "Chargeback fraud" not in page


def test_admin_blocked_mid_session_is_logged_out_on_the_next_request(client, auth):
    admin = make_user(EMAIL, role=Role.ADMIN)
    auth.login(EMAIL, remember=True)
    assert client.get("/admin/").status_code == 200

    block_user(admin, "Account compromised")
    db.session.commit()
    response = client.get("/admin/")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query)["next"] == ["/admin/"]
    assert "Log out" not in header_of(client)
