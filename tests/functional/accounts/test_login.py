"""A shopper logs in and out; wrong credentials, unsafe `next` links and blocked accounts are refused. Logging in
starts a fresh session, and logging out ends everything: this browser's session and every copy of its cookies."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront import create_app
from storefront.accounts.models import Role
from storefront.accounts.services import block_user
from storefront.extensions import db
from tests.conftest import TEST_SETTINGS
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.downloads.support import download_url, ebook, entitlements_of

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


def test_logging_out_forgets_the_orders_this_browser_could_see(app, client, auth, shopper):
    """The next person at a shared computer must not open the last buyer's order page or files."""
    buyer = make_user(EMAIL)
    auth.login(EMAIL)
    order = shopper.place(ebook(), email=buyer.email)
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    assert client.get(f"/checkout/complete/{order.number}").status_code == 200

    auth.logout()

    assert client.get(f"/checkout/complete/{order.number}").status_code == 404
    assert client.get(download_url(entitlement)).status_code == 404


def test_the_next_account_to_log_in_does_not_see_the_guest_orders_placed_before(client, auth, shopper):
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    assert client.get(f"/checkout/complete/{order.number}").status_code == 200
    make_user(EMAIL)

    auth.login(EMAIL)

    assert client.get(f"/checkout/complete/{order.number}").status_code == 404
    assert client.get(download_url(entitlement)).status_code == 404


def csrf_token_on(client, url="/account/login"):
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_logging_in_starts_a_fresh_session_with_a_fresh_csrf_token(app):
    """A token planted before login (session fixation) is worthless after it."""
    shop = create_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True})
    make_user(EMAIL)
    browser = shop.test_client()
    before = csrf_token_on(browser)

    login = browser.post("/account/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD, "csrf_token": before})
    stale = browser.post("/account/logout", data={"csrf_token": before})
    after = csrf_token_on(browser, "/")

    assert login.status_code == 302
    assert stale.status_code == 400
    assert after != before
    assert browser.post("/account/logout", data={"csrf_token": after}).status_code == 302


def test_the_next_account_to_log_in_does_not_inherit_the_last_ones_remember_me(client, auth):
    """At a shared computer, someone who forgot to log out must not come back once the next person's visit ends."""
    make_user(EMAIL)
    make_user("grace@example.com")
    auth.login(EMAIL, remember=True)

    auth.login("grace@example.com", remember=False)
    client.delete_cookie("session")  # Grace closes the browser

    assert "Log out" not in header_of(client)


def copy_of(app, browser, names=("session", "remember_token")):
    """Another browser holding copies of `browser`'s cookies (stolen, or left on a synced profile)."""
    thief = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


@pytest.mark.parametrize("copied", [("session",), ("remember_token",)], ids=["session-cookie", "remember-me-cookie"])
def test_logging_out_makes_copied_cookies_worthless(app, client, auth, copied):
    make_user(EMAIL)
    auth.login(EMAIL, remember=True)
    thief = copy_of(app, client, copied)
    assert "Log out" in header_of(thief)

    auth.logout()

    assert "Log out" not in header_of(thief)
    assert thief.get("/admin/").status_code in {302, 404}
    assert auth.login(EMAIL).status_code == 302, "the owner logs in again as usual"


def remember_me_lifetime(client):
    cookie = client.get_cookie("remember_token")
    return cookie.expires - datetime.now(UTC)


def test_remember_me_lasts_thirty_days_not_a_year(client, auth):
    make_user(EMAIL)

    auth.login(EMAIL, remember=True)

    assert timedelta(days=29) < remember_me_lifetime(client) <= timedelta(days=30)


def test_remember_me_lifetime_is_a_setting(app, monkeypatch):
    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "7")
    shop = create_app(TEST_SETTINGS)
    make_user(EMAIL)
    browser = shop.test_client()

    browser.post("/account/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD, "remember": "y"})

    assert timedelta(days=6) < remember_me_lifetime(browser) <= timedelta(days=7)
