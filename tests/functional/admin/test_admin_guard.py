"""Every admin page is for admins only: visitors are asked to log in, shoppers are turned away."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from storefront import create_app, jobs
from storefront.accounts.models import Role
from storefront.accounts.services import request_password_reset
from storefront.extensions import db
from storefront.integers import MAX_ID
from storefront.mail.models import OutboxMessage
from tests.factories import make_user

PREFERRED_METHODS = ("GET", "POST")


def _admin_pages():
    """(method, url, takes_id) for every admin blueprint rule, so a new admin page is guarded by these tests too."""
    app = create_app({"TESTING": True})
    urls = app.url_map.bind("localhost")
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        method = next(method for method in PREFERRED_METHODS if method in rule.methods)
        # An id no row has, which only admins may find out (404). Not 1: that is often the logged-in staff account,
        # and an action on a real account with an empty form is rightly refused (422).
        url = urls.build(rule.endpoint, {argument: MAX_ID for argument in rule.arguments})
        pages.append((method, url, bool(rule.arguments)))
    return sorted(pages)


ADMIN_PAGES = _admin_pages()


@pytest.fixture(params=ADMIN_PAGES, ids=[f"{method} {url}" for method, url, _ in ADMIN_PAGES])
def admin_page(request):
    return request.param


def test_the_guarded_list_includes_the_known_admin_pages():
    assert ("GET", "/admin/", False) in ADMIN_PAGES
    assert ("GET", f"/admin/outbox/{MAX_ID}", True) in ADMIN_PAGES


def test_visitor_is_asked_to_log_in_first(client, admin_page):
    method, url, _ = admin_page

    response = client.open(url, method=method)

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query)["next"] == [url]


def test_shopper_is_turned_away(client, auth, admin_page):
    method, url, _ = admin_page
    make_user("shopper@example.com")
    auth.login("shopper@example.com")

    response = client.open(url, method=method)

    assert response.status_code == 403
    assert "You do not have access to this page." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERADMIN])
def test_admin_can_open_every_admin_page(client, auth, admin_page, role):
    method, url, takes_id = admin_page
    make_user("staff@example.com", role=role)
    auth.login("staff@example.com")

    response = client.open(url, method=method)

    # An action posted with an empty form is let in and then refused for what the form lacks (422), never a 500.
    allowed = {200, 404} if takes_id else {200}
    assert response.status_code in (allowed | {422} if method == "POST" else allowed)


def test_admin_reads_a_shoppers_reset_email_in_the_outbox(app, client, auth):
    make_user("ada@example.com")
    request_password_reset("ada@example.com")
    jobs.commit()  # the email is queued until the commit, then delivered (in-process here) to the outbox
    make_user("staff@example.com", role=Role.ADMIN)
    auth.login("staff@example.com")

    outbox = client.get("/admin/outbox").get_data(as_text=True)

    assert "Reset your password" in outbox
    assert "ada@example.com" in outbox
    message_id = db.session.scalar(select(OutboxMessage.id))
    message = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert app.config["BASE_URL"] + "/account/reset/" in message
