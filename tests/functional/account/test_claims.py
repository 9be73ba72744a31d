"""Guest orders join the account whose owner proves the same email: by the welcome email's link, a password reset,
an email change or a later login. Orders of other emails, and orders already in another account, never move."""

from sqlalchemy import select, update

from storefront.accounts.models import User
from storefront.extensions import db
from tests.factories import make_user
from tests.functional.account.support import (
    ORDERS,
    code_from,
    guest_order,
    logged_in,
    only_email_to,
    owner_of,
    page_text,
    paid_order,
)
from tests.functional.checkout.support import Shopper, digital

EMAIL = "ada@example.com"
PASSWORD = "a long enough secret"


def sign_up(client, email=EMAIL):
    data = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "accept_terms": "y"}
    assert client.post("/account/register", data=data).status_code == 303


def confirm_from_the_welcome_email(app, client, email=EMAIL):
    code = code_from(app, only_email_to(email, "Confirm your email"), "/account/confirm")
    return client.post("/account/confirm", data={"code": code, "password": PASSWORD})


def account(email=EMAIL):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_confirming_the_sign_up_claims_the_guest_orders_of_that_email(app, client):
    earlier = guest_order(app, digital(title="Harbour Birds"), email=EMAIL)
    unpaid = Shopper(app.test_client()).place(digital(title="Tide Chart"), email=EMAIL.upper())
    someone_elses = guest_order(app, digital(title="Gull Poster"), email="someone@example.com")
    sign_up(client)
    assert owner_of(earlier) is None, "an unconfirmed sign-up claims nothing"

    assert confirm_from_the_welcome_email(app, client).status_code == 302

    user = account()
    assert owner_of(earlier) == user.id and owner_of(unpaid) == user.id
    assert owner_of(someone_elses) is None
    text = page_text(client.get(ORDERS))
    assert earlier.number in text and unpaid.number in text
    assert someone_elses.number not in text


def test_an_order_of_another_account_with_the_same_email_is_never_claimed(app, client):
    first = make_user(EMAIL)
    theirs = paid_order(logged_in(app, first), digital(), email=EMAIL)
    # The first owner moves to another address; a new sign-up takes the old one.
    db.session.execute(update(User).where(User.id == first.id).values(email="moved@example.com"))
    db.session.commit()
    sign_up(client)

    assert confirm_from_the_welcome_email(app, client).status_code == 302

    assert owner_of(theirs) == first.id
    assert theirs.number not in page_text(client.get(ORDERS))


def test_claiming_again_changes_nothing_and_a_later_guest_order_joins_at_login(app, client, auth):
    make_user(EMAIL)
    earlier = guest_order(app, digital(), email=EMAIL)
    auth.login(EMAIL)
    auth.logout()
    later = guest_order(app, digital(), email=EMAIL)

    assert auth.login(EMAIL).status_code == 302

    user = account()
    assert owner_of(earlier) == user.id and owner_of(later) == user.id
    text = page_text(client.get(ORDERS))
    assert text.count(f"Order {earlier.number}") == 1 and text.count(f"Order {later.number}") == 1


def test_a_password_reset_confirms_the_email_and_claims_too(app, client):
    earlier = guest_order(app, digital(), email=EMAIL)
    sign_up(client)
    client.post("/account/reset", data={"email": EMAIL})
    code = code_from(app, only_email_to(EMAIL, "Reset your password"), "/account/reset/new")

    response = client.post("/account/reset/new", data={"code": code, "password": PASSWORD, "confirm": PASSWORD})

    assert response.status_code == 302
    assert owner_of(earlier) == account().id
