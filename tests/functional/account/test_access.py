"""Every account page needs a login (visitors are sent to log in and come back), except the email-change
confirmation, which the link in an email opens in any browser. An order-scoped page answers 404 for any order that is
not the logged-in shopper's: another account's, or a guest order not claimed."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront import create_app
from tests.factories import make_user
from tests.functional.account.support import guest_order, logged_in, paid_order
from tests.functional.downloads.support import ebook

PREFERRED_METHODS = ("GET", "POST")
OPEN_TO_VISITORS = {"account.confirm_email_change"}


def _account_pages():
    """(method, url) for every account blueprint rule, so a new page is guarded by these tests too."""
    app = create_app({"TESTING": True})
    urls = app.url_map.bind("localhost")
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("account.") or rule.endpoint in OPEN_TO_VISITORS:
            continue
        method = next(method for method in PREFERRED_METHODS if method in rule.methods)
        pages.append((method, urls.build(rule.endpoint, {argument: "SF-2026-00000000" for argument in rule.arguments})))
    return sorted(pages)


ACCOUNT_PAGES = _account_pages()


def test_the_guarded_list_includes_the_known_account_pages():
    for page in [("GET", "/account/orders"), ("GET", "/account/library"), ("POST", "/account/email/cancel")]:
        assert page in ACCOUNT_PAGES
    assert ("GET", "/account/library/SF-2026-00000000") in ACCOUNT_PAGES


@pytest.mark.parametrize(("method", "url"), ACCOUNT_PAGES, ids=[f"{m} {u}" for m, u in ACCOUNT_PAGES])
def test_a_visitor_is_asked_to_log_in_first(client, method, url):
    response = client.open(url, method=method)

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query)["next"] == [url]


def test_the_email_change_confirmation_opens_without_a_login(client):
    assert client.get("/account/email/confirm").status_code == 200


@pytest.fixture
def orders(app):
    """Ada's order, Bob's order and a guest's order (of another email)."""
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    ada_browser = logged_in(app, ada)
    return {
        "ada": paid_order(ada_browser, ebook("Harbour Birds"), email=ada.email),
        "bob": paid_order(logged_in(app, bob), ebook("Coast Atlas"), email=bob.email),
        "guest": guest_order(app, ebook("Gull Guide"), email="guest@example.com"),
        "browser": ada_browser,
    }


@pytest.mark.parametrize("whose", ["bob", "guest"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_the_library_shows_no_order_of_someone_else_by_its_number(orders, whose, headers):
    browser = orders["browser"].client

    response = browser.get(f"/account/library/{orders[whose].number}", headers=headers)

    assert response.status_code == 404
    assert browser.get(f"/account/library/{orders['ada'].number}", headers=headers).status_code in (200, 286)


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


POSTS = [
    ("/account/email", {"email": "new@example.com", "current_password": "correct horse battery"}),
    ("/account/email/cancel", {}),
    ("/account/password", {"current_password": "correct horse battery", "password": "x", "confirm": "x"}),
    ("/account/email/confirm", {"code": "x", "current_password": "correct horse battery"}),
]


@pytest.mark.parametrize(("url", "data"), POSTS, ids=[url for url, _ in POSTS])
def test_every_change_needs_the_pages_csrf_token(app, csrf_on, url, data):
    browser = app.test_client()
    login_page = browser.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    make_user("ada@example.com")
    credentials = {"email": "ada@example.com", "password": "correct horse battery", "csrf_token": token}
    assert browser.post("/account/login", data=credentials).status_code == 302

    response = browser.post(url, data=data)

    assert response.status_code == 400
    assert "This form has expired or was not sent from our site." in response.get_data(as_text=True)
