"""A shopper creates an account and is logged in; a refused sign-up says why and creates nothing."""

import pytest
from sqlalchemy import func, select

from storefront.accounts import services
from storefront.accounts.models import User
from storefront.extensions import db
from tests.factories import make_user

PASSWORD = "a long enough secret"
SIGN_UP = {"email": "Ada@Example.com", "password": PASSWORD, "confirm": PASSWORD, "accept_terms": "y"}


def register(client, **changes):
    """Submit the sign-up form; a change of None leaves that field out, like an unticked box."""
    data = {name: value for name, value in {**SIGN_UP, **changes}.items() if value is not None}
    return client.post("/account/register", data=data)


def header_of(client):
    """The site header of the shop's front page, as the person sees it next."""
    return client.get("/").get_data(as_text=True).split("</header>")[0]


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def test_shopper_registers_and_is_logged_in(app, client):
    response = register(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log out" in header_of(client)
    user = db.session.scalar(select(User))
    assert user.email == "ada@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.terms_version == app.config["TERMS_VERSION"]
    assert user.terms_accepted_at is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "nine char", "confirm": "nine char"}, "Use between 10 and 256 characters."),
        ({"confirm": "a different secret"}, "The passwords do not match."),
        ({"accept_terms": None}, "You must accept the terms to create an account."),
        ({"email": "ada-at-example.com"}, "Enter a valid email address."),
    ],
    ids=["password-too-short", "confirm-mismatch", "terms-not-accepted", "invalid-email"],
)
def test_shopper_sign_up_refused_with_a_reason(client, changes, message):
    response = register(client, **changes)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == 0
    assert "Log out" not in header_of(client)


def test_shopper_cannot_register_an_email_taken_in_another_case(client):
    make_user("ada@example.com")

    response = register(client, email="ADA@example.COM")

    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert user_count() == 1


def test_shopper_double_submitting_sign_up_gets_the_message_not_an_error(client, monkeypatch):
    make_user("ada@example.com")
    # The second of two racing submissions passes the lookup before the first one commits.
    monkeypatch.setattr(services, "find_user_by_email", lambda _email: None)

    response = register(client)

    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert user_count() == 1
