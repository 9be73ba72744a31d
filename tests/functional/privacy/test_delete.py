"""A shopper deletes their account: password and a ticked box, then personal data goes (email, names, addresses,
download addresses), orders stay with their totals, download links stop, every session ends, and a last email
goes to the old address."""

from urllib.parse import urlsplit

import pytest

from storefront.accounts.models import Role, User
from storefront.extensions import db
from storefront.privacy import erasure
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.account.support import logged_in
from tests.functional.accounts.test_login import copy_of
from tests.functional.checkout.support import emails_to, page_text
from tests.functional.downloads.support import download_url, entitlements_of, logs_of
from tests.functional.privacy.support import order_row, shopper_with_orders

DELETE = "/account/privacy/delete"
CONFIRMED = {"password": DEFAULT_PASSWORD, "confirm": "y"}


def _user(user_id):
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_deleting_my_account_keeps_orders_and_removes_what_is_personal(app):
    ada, browser, order = shopper_with_orders(app, "ada@example.com", "Harbour")
    _bob, _bob_browser, bob_order = shopper_with_orders(app, "bob@example.com", "Mountain")
    before = order_row(order)
    totals = (before.subtotal_cents, before.shipping_cents, before.tax_cents, before.total_cents, before.status)
    lines = [(item.title, item.unit_price_cents, item.quantity) for item in before.items]
    [entitlement] = entitlements_of(order)
    other_device = logged_in(app, ada)
    thief = copy_of(app, browser.client)

    response = browser.client.post(DELETE, data=CONFIRMED)

    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/"
    after = order_row(order)
    assert (after.subtotal_cents, after.shipping_cents, after.tax_cents, after.total_cents, after.status) == totals
    assert [(item.title, item.unit_price_cents, item.quantity) for item in after.items] == lines
    assert after.email == f"deleted-user-{ada.id}@deleted.invalid"
    assert (after.shipping_name, after.shipping_address) == (None, None)
    [revoked] = entitlements_of(order)
    assert revoked.revoked_at is not None
    assert [(log.ip_address, log.user_agent) for log in logs_of(entitlement)] == [(None, None)]
    account = _user(ada.id)
    assert account.email.endswith("@deleted.invalid") and account.deleted_at is not None
    bobs = order_row(bob_order)
    assert bobs.email == "bob@example.com" and bobs.shipping_name == "Ada Lovelace", "nobody else's data changes"
    assert all(log.ip_address for log in logs_of(entitlements_of(bob_order)[0]))
    [notice] = emails_to("ada@example.com")[-1:]
    assert notice.subject == "Your account has been deleted"
    for client in (browser.client, other_device.client, thief):
        assert "Log out" not in page_text(client.get("/")), "every session has ended"
        assert client.get("/account/").status_code == 302
    assert browser.client.get(download_url(entitlement)).status_code == 404
    refused = browser.client.post("/account/login", data={"email": "ada@example.com", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"password": "not my password", "confirm": "y"}, "That is not your password."),
        ({"password": DEFAULT_PASSWORD}, "Tick the box to confirm."),
        ({"confirm": "y"}, "Enter your password."),
    ],
)
def test_deleting_needs_the_password_and_the_ticked_box(app, form, message):
    ada = make_user("ada@example.com")
    browser = logged_in(app, ada)

    response = browser.client.post(DELETE, data=form)

    assert response.status_code == 422 and message in page_text(response)
    account = _user(ada.id)
    assert account.email == "ada@example.com" and account.deleted_at is None
    assert "Log out" in page_text(browser.client.get("/"))


def test_a_staff_account_is_not_deleted_from_its_privacy_page(app):
    staff = make_user("staff@example.com", role=Role.ADMIN)
    browser = logged_in(app, staff)

    response = browser.client.post(DELETE, data=CONFIRMED)

    assert response.status_code == 422 and "Staff accounts cannot be deleted here" in page_text(response)
    assert _user(staff.id).deleted_at is None


def test_deleting_needs_a_login(client):
    response = client.post(DELETE, data=CONFIRMED)

    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/account/login"


def test_erasure_is_a_list_of_named_sections_ending_with_the_account(app):
    names = [name for name, _erase in erasure.ERASERS]
    assert names[-1] == "account" and {"orders", "downloads", "consents"} <= set(names)
