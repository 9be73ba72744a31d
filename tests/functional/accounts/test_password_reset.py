"""A shopper who forgot their password gets a single-use, one-hour link by email and chooses a new one."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from storefront.accounts import services
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"
NEW_PASSWORD = "a brand new secret"
INVALID_LINK = "invalid, already used or expired"
REQUEST_ANSWER = "If an account uses that email, a reset link is on its way."


def ask_for_reset(client, email=EMAIL, **kwargs):
    return client.post("/account/reset", data={"email": email}, **kwargs)


def emails_to(address):
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def reset_path(app, message):
    """The path of the reset link in the email's text, which must point at the shop's BASE_URL."""
    prefix = app.config["BASE_URL"] + "/account/reset/"
    match = re.search(re.escape(prefix) + r"(\S+)", message.text_body)
    assert match, f"no link starting {prefix} in:\n{message.text_body}"
    return urlsplit(match.group(0)).path


def choose_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_shopper_gets_a_reset_link_by_email(app, client):
    make_user(EMAIL)

    response = ask_for_reset(client, "Ada@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert REQUEST_ANSWER in client.get("/account/login").get_data(as_text=True)
    [message] = emails_to(EMAIL)
    assert message.subject == "Reset your password"
    assert reset_path(app, message).startswith("/account/reset/")


def test_unknown_email_gets_the_same_answer_and_no_email(client):
    make_user(EMAIL)

    response = ask_for_reset(client, "nobody@example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert REQUEST_ANSWER in client.get("/account/login").get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_shopper_chooses_a_new_password_from_the_link(app, client, auth):
    make_user(EMAIL)
    ask_for_reset(client)
    path = reset_path(app, emails_to(EMAIL)[0])

    form = client.get(path)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)

    response = choose_password(client, path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 422
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("nine char", "nine char", "Use between 10 and 256 characters."),
        (NEW_PASSWORD, "something else entirely", "The passwords do not match."),
    ],
    ids=["too-short", "confirm-mismatch"],
)
def test_refused_new_password_keeps_the_link_usable(app, client, auth, password, confirm, message):
    make_user(EMAIL)
    ask_for_reset(client)
    path = reset_path(app, emails_to(EMAIL)[0])

    response = choose_password(client, path, password, confirm)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 302
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_reset_link_works_only_once(app, client, method):
    make_user(EMAIL)
    ask_for_reset(client)
    path = reset_path(app, emails_to(EMAIL)[0])
    assert choose_password(client, path).status_code == 302

    response = client.open(path, method=method, data={"password": "yet another one", "confirm": "yet another one"})

    assert response.status_code == 400
    assert INVALID_LINK in response.get_data(as_text=True)


def test_reset_link_expires_after_an_hour(app, client, auth, monkeypatch):
    make_user(EMAIL)
    ask_for_reset(client)
    path = reset_path(app, emails_to(EMAIL)[0])
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(services, "utcnow", lambda: later)

    response = choose_password(client, path)

    assert response.status_code == 400
    assert INVALID_LINK in response.get_data(as_text=True)
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 302


def test_made_up_link_is_refused(client):
    response = client.get("/account/reset/not-a-real-token")

    assert response.status_code == 400
    assert INVALID_LINK in response.get_data(as_text=True)


def test_using_one_of_two_reset_emails_spends_the_other(app, client):
    make_user(EMAIL)
    ask_for_reset(client)
    ask_for_reset(client)
    first, second = (reset_path(app, message) for message in emails_to(EMAIL))
    assert first != second

    assert choose_password(client, second).status_code == 302
    response = client.get(first)

    assert response.status_code == 400
    assert INVALID_LINK in response.get_data(as_text=True)


def test_reset_link_ignores_the_host_the_request_came_in_on(app, client):
    make_user(EMAIL)

    ask_for_reset(client, headers={"Host": "evil.example"})

    [message] = emails_to(EMAIL)
    assert reset_path(app, message)
    assert "evil.example" not in message.text_body
    assert "evil.example" not in message.html_body


def test_resetting_the_password_logs_the_account_out_everywhere(app, client, auth):
    make_user(EMAIL)
    laptop = app.test_client()
    laptop.post("/account/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD, "remember": "y"})
    assert "Log out" in laptop.get("/").get_data(as_text=True)

    ask_for_reset(client)
    choose_password(client, reset_path(app, emails_to(EMAIL)[0]))

    assert "Log out" not in laptop.get("/").get_data(as_text=True)
    laptop.delete_cookie("session")  # the remember-me cookie alone no longer logs it back in either
    assert "Log out" not in laptop.get("/").get_data(as_text=True)
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302
