"""A shopper creates an account, is told to check their inbox, and confirms the address from the welcome email with
the password they chose; a refused sign-up says why and creates nothing. Signing up with an email that already has
an account looks exactly the same from the browser, and logging in afterwards too: only the address's owner learns,
by email, that someone tried."""

import re
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from storefront.accounts import services
from storefront.accounts.models import User
from storefront.extensions import db
from storefront.legal.services import ensure_default_documents
from storefront.mail.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_user

PASSWORD = "a long enough secret"
SIGN_UP = {"email": "Ada@Example.com", "password": PASSWORD, "confirm": PASSWORD, "accept_terms": "y"}
CHECK_INBOX = "/account/register/check-your-inbox"
CONFIRM_PAGE = "/account/confirm"
INCORRECT = "Email or password is incorrect."


def register(client, **changes):
    """Submit the sign-up form; a change of None leaves that field out, like an unticked box."""
    data = {name: value for name, value in {**SIGN_UP, **changes}.items() if value is not None}
    return client.post("/account/register", data=data)


def header_of(client):
    """The site header of the shop's front page, as the person sees it next."""
    return client.get("/").get_data(as_text=True).split("</header>")[0]


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def emails_to(address):
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def confirmation_code(app, message):
    """The code in the welcome email: after the `#` of its link (never sent to the server), and shown as text."""
    link = re.search(re.escape(app.config["BASE_URL"] + CONFIRM_PAGE) + r"\S*", message.text_body)
    assert link, f"no confirmation link in:\n{message.text_body}"
    parts = urlsplit(link.group(0))
    assert (parts.path, parts.query) == (CONFIRM_PAGE, "") and parts.fragment
    assert parts.fragment in message.text_body.replace(link.group(0), "")
    return parts.fragment


def confirm(client, code, password=PASSWORD):
    return client.post(CONFIRM_PAGE, data={"code": code, "password": password})


def without_csrf_tokens(page):
    """A page as it would be for anyone: each browser has its own CSRF token (signed with the time, too)."""
    return re.sub(r'name="csrf_token" value="[^"]*"|name="csrf-token" content="[^"]*"', "", page)


def what_the_browser_sees(client, response):
    """Everything a visitor (or a script probing emails) can observe about a sign-up's answer."""
    landing = client.get(response.headers["Location"])
    return {
        "status": response.status_code,
        "location": response.headers["Location"],
        "cookies": sorted(cookie.split("=", 1)[0] for cookie in response.headers.getlist("Set-Cookie")),
        "page": without_csrf_tokens(landing.text),
        "logged in": "Log out" in header_of(client),
    }


def test_shopper_registers_and_confirms_from_the_welcome_email(app, client, auth):
    ensure_default_documents()
    db.session.commit()
    response = register(client)

    assert response.status_code == 303
    assert response.headers["Location"] == CHECK_INBOX
    assert "Check your inbox" in client.get(CHECK_INBOX).get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "ada@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.terms_version == "1", "the shop's first published terms"
    assert user.terms_accepted_at is not None
    [welcome] = emails_to("ada@example.com")
    assert welcome.subject == "Confirm your email to start"
    assert "Log out" not in header_of(client)
    assert auth.login("ada@example.com", PASSWORD).status_code == 422, "not before the address is confirmed"

    page = client.get(CONFIRM_PAGE)
    confirmed = confirm(client, confirmation_code(app, welcome))

    assert page.status_code == 200 and "js/code_from_link.js" in page.get_data(as_text=True)
    assert confirmed.status_code == 302
    assert "Log out" in header_of(client)
    auth.logout()
    assert auth.login("ada@example.com", PASSWORD).status_code == 302


def test_the_check_your_inbox_page_leads_on_to_the_login_with_the_next_page(client):
    response = client.post("/account/register?next=/cart/", data=SIGN_UP)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/account/login?next=/cart/" in page or "/account/login?next=%2Fcart%2F" in page


def test_signing_up_with_an_email_and_logging_in_tells_nothing_about_it(app):
    """A prober signs up two addresses with a password of their own, then tries to log in with it: same answer."""
    make_user("grace@example.com")
    prober = app.test_client()
    register(prober, email="ada@example.com")
    register(prober, email="grace@example.com")

    emails = ("ada@example.com", "grace@example.com")
    answers = [prober.post("/account/login", data={"email": email, "password": PASSWORD}) for email in emails]

    assert [answer.status_code for answer in answers] == [422, 422]
    pages = [
        without_csrf_tokens(answer.text).replace(email, "EMAIL") for answer, email in zip(answers, emails, strict=True)
    ]
    assert pages[0] == pages[1]
    assert INCORRECT in pages[0]


def test_confirming_needs_the_password_chosen_at_sign_up(app, client, auth):
    """So the owner of an address cannot be led into confirming an account a stranger made with it."""
    register(client)
    code = confirmation_code(app, emails_to("ada@example.com")[0])

    response = confirm(client, code, "somebody else's password")

    assert response.status_code == 422
    assert "This is not the password chosen at sign-up." in response.get_data(as_text=True)
    assert "Log out" not in header_of(client)
    assert auth.login("ada@example.com", PASSWORD).status_code == 422


@pytest.mark.parametrize("case", ["expired", "made-up"])
def test_an_expired_or_made_up_confirmation_code_is_refused_with_a_way_out(app, client, monkeypatch, case):
    register(client)
    code = confirmation_code(app, emails_to("ada@example.com")[0])
    if case == "expired":
        monkeypatch.setattr(services, "CONFIRMATION_MAX_AGE", timedelta(seconds=-1))
    else:
        code = code[:-4] + "AAAA"

    response = confirm(client, code)

    assert response.status_code == 422
    assert "Reset your password to confirm your email instead." in response.get_data(as_text=True)
    assert "Log out" not in header_of(client)


def test_resetting_the_password_confirms_the_email_too(app, client, auth):
    register(client)
    client.post("/account/reset", data={"email": "ada@example.com"})
    reset_email = emails_to("ada@example.com")[-1]
    code = urlsplit(re.search(r"\S+/account/reset/new#\S+", reset_email.text_body).group(0)).fragment

    client.post(
        "/account/reset/new", data={"code": code, "password": "a brand new secret", "confirm": "a brand new secret"}
    )

    assert auth.login("ada@example.com", "a brand new secret").status_code == 302


def test_registering_an_existing_email_answers_exactly_like_a_new_one(app, auth):
    make_user("grace@example.com")
    new_visitor, prober = app.test_client(), app.test_client()

    fresh = what_the_browser_sees(new_visitor, register(new_visitor, email="ada@example.com"))
    taken = what_the_browser_sees(prober, register(prober, email="GRACE@example.com"))

    assert taken == fresh
    assert user_count() == 2
    [notice] = emails_to("grace@example.com")
    assert notice.subject == "Someone tried to register with your email"
    assert app.config["BASE_URL"] + "/account/login" in notice.text_body
    assert app.config["BASE_URL"] + "/account/reset" in notice.text_body
    # The owner's password is untouched: the prober's password does not open the account.
    assert auth.login("grace@example.com", PASSWORD).status_code == 422
    assert auth.login("grace@example.com", DEFAULT_PASSWORD).status_code == 302


def _median_seconds(client, emails):
    timings = []
    for email in emails:
        started = time.perf_counter()
        assert register(client, email=email).status_code == 303
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def test_registering_an_existing_email_takes_as_long_as_a_new_one(client):
    """Timing must not tell them apart either: both cost one Argon2 hash, which dwarfs everything else."""
    make_user("grace@example.com")
    _median_seconds(client, ["warm-up@example.com"])

    fresh = _median_seconds(client, [f"new{n}@example.com" for n in range(5)])
    taken = _median_seconds(client, ["grace@example.com"] * 5)

    assert 0.5 < taken / fresh < 2, (taken, fresh)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "nine char", "confirm": "nine char"}, "Use between 10 and 256 characters."),
        ({"confirm": "a different secret"}, "The passwords do not match."),
        ({"accept_terms": None}, "You must accept the terms to create an account."),
        ({"email": "ada-at-example.com"}, "Enter a valid email address."),
        ({"password": "password1234", "confirm": "password1234"}, "This password is too easy to guess."),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "This is a top-100 common password."),
        ({"password": "Storefront2026", "confirm": "Storefront2026"}, "This password is too easy to guess."),
        ({"password": "ada@example.com1", "confirm": "ada@example.com1"}, "This password is too easy to guess."),
    ],
    ids=[
        "password-too-short",
        "confirm-mismatch",
        "terms-not-accepted",
        "invalid-email",
        "common-password",
        "keyboard-row",
        "the-shop-name",
        "the-email-itself",
    ],
)
def test_shopper_sign_up_refused_with_a_reason(client, changes, message):
    response = register(client, **changes)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'name="password"' in response.get_data(as_text=True), "the form is shown again"
    assert user_count() == 0
    assert emails_to("ada@example.com") == []


def test_the_password_the_tests_use_is_accepted(client):
    assert register(client, password=DEFAULT_PASSWORD, confirm=DEFAULT_PASSWORD).status_code == 303


def test_shopper_double_submitting_sign_up_gets_the_same_answer_not_an_error(client, monkeypatch):
    make_user("ada@example.com")
    # The second of two racing submissions passes the lookup before the first one commits.
    monkeypatch.setattr(services, "find_user_by_email", lambda _email: None)

    response = register(client)

    assert response.status_code == 303
    assert response.headers["Location"] == CHECK_INBOX
    assert user_count() == 1
