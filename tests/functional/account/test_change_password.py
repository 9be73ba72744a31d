"""A shopper changes their password: the current one is asked and the new one must be hard to guess, as at sign-up.
The change logs the account out on every other device; this browser stays logged in."""

import pytest

from storefront.accounts.models import User
from storefront.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.account.support import ACCOUNT, CHANGE_PASSWORD, NEW_PASSWORD, logged_in, page_text


def change(shopper, current=DEFAULT_PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {"current_password": current, "password": new, "confirm": confirm or new}
    return shopper.client.post(CHANGE_PASSWORD, data=data)


def is_logged_in(shopper):
    return shopper.client.get(ACCOUNT).status_code == 200


def test_changing_the_password_logs_out_other_devices_and_keeps_this_one(app, ada):
    user, shopper = ada
    phone = logged_in(app, user)
    remembered = app.test_client()
    remembered.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"})

    response = change(shopper)

    assert response.status_code == 303 and response.headers["Location"] == ACCOUNT
    page = shopper.client.get(ACCOUNT)
    assert page.status_code == 200
    assert "Your other devices are logged out; this one stays logged in." in page_text(page)
    assert not is_logged_in(phone)
    assert remembered.get(ACCOUNT).status_code == 302
    assert shopper.log_in(user, DEFAULT_PASSWORD).status_code == 422
    assert logged_in(app, user, NEW_PASSWORD) is not None


def test_a_remembered_browser_that_changes_the_password_stays_remembered(app):
    user = make_user("ada@example.com")
    browser = app.test_client()
    browser.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"})

    data = {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert browser.post(CHANGE_PASSWORD, data=data).status_code == 303
    browser.delete_cookie("session")  # the browser is closed: only the remember-me cookie is left

    assert browser.get(ACCOUNT).status_code == 200


def test_a_wrong_current_password_is_refused_and_changes_nothing(app, ada):
    user, shopper = ada
    phone = logged_in(app, user)
    before = db.session.get(User, user.id).password_hash

    response = change(shopper, current="not my password at all")

    assert response.status_code == 422
    assert "This is not your current password." in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert is_logged_in(phone) and is_logged_in(shopper)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("password1234", "This password is too easy to guess."),
        ("ada@example.com", "This password is too easy to guess."),
        ("short", "Use between 10 and 256 characters."),
    ],
)
def test_a_weak_new_password_is_refused_as_at_sign_up(ada, new, message):
    response = change(ada[1], new=new)

    assert response.status_code == 422
    assert message in page_text(response)


def test_the_repeat_must_match(ada):
    response = change(ada[1], confirm="another long passphrase")

    assert response.status_code == 422
    assert "The passwords do not match." in page_text(response)
