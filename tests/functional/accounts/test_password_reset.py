"""A shopper who forgot their password gets a single-use, one-hour reset code by email and chooses a new one.

The code rides in the link's #fragment, which browsers never send, so no access log (ours or a PaaS router's) ever
sees it; the page copies it into the form, and the email shows it too for browsers without JavaScript."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import request
from sqlalchemy import func, select

from storefront.accounts import services
from storefront.accounts.models import PasswordResetToken
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"
NEW_PASSWORD = "a brand new secret"
INVALID_CODE = "invalid, already used or expired"
REQUEST_ANSWER = "If an account uses that email, a reset link is on its way."
RESET_PAGE = "/account/reset/new"


def ask_for_reset(client, email=EMAIL, **kwargs):
    return client.post("/account/reset", data={"email": email}, **kwargs)


def emails_to(address):
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def reset_link(app, message):
    """The reset link in the email's text, which must point at the shop's BASE_URL."""
    prefix = app.config["BASE_URL"] + "/account/reset/"
    match = re.search(re.escape(prefix) + r"\S+", message.text_body)
    assert match, f"no link starting {prefix} in:\n{message.text_body}"
    return match.group(0)


def reset_code(app, message):
    """The code a shopper's browser takes from the link's fragment (the email shows the same code)."""
    code = urlsplit(reset_link(app, message)).fragment
    assert code and code in message.text_body.replace(reset_link(app, message), "")
    return code


def latest_code(app, email=EMAIL):
    return reset_code(app, emails_to(email)[-1])


def choose_password(client, code, password=NEW_PASSWORD, confirm=None):
    return client.post(RESET_PAGE, data={"code": code, "password": password, "confirm": confirm or password})


def test_shopper_gets_a_reset_link_by_email(app, client):
    make_user(EMAIL)

    response = ask_for_reset(client, "Ada@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert REQUEST_ANSWER in client.get("/account/login").get_data(as_text=True)
    [message] = emails_to(EMAIL)
    assert message.subject == "Reset your password"
    link = urlsplit(reset_link(app, message))
    assert (link.path, link.query) == (RESET_PAGE, "")
    assert link.fragment in message.html_body


def test_unknown_email_gets_the_same_answer_and_an_email_with_nothing_to_reset(app, client):
    make_user(EMAIL)

    response = ask_for_reset(client, "nobody@example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert REQUEST_ANSWER in client.get("/account/login").get_data(as_text=True)
    [message] = emails_to("nobody@example.com")
    assert message.subject == "Your password reset request"
    assert "no active account uses it" in message.text_body
    assert RESET_PAGE not in message.text_body
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 0


def test_a_reset_request_does_the_same_work_for_unknown_addresses(app, client, count_queries, rq_queue):
    """What an attacker could time: the same statements and one queued job, whether or not the account exists."""
    make_user(EMAIL)
    work = {}
    for email in (EMAIL, "nobody@example.com"):
        with count_queries() as seen:
            assert ask_for_reset(client, email).status_code == 302
        work[email] = ([re.sub(r"\s+", " ", statement) for statement in seen.statements], rq_queue.count)

    assert work[EMAIL][0] == work["nobody@example.com"][0]
    assert [jobs for _statements, jobs in work.values()] == [1, 2]


def test_the_reset_code_never_reaches_a_url_the_server_sees(app, client, auth):
    """Every URL the server receives is what its access log (and a PaaS router's) would record."""
    seen_urls = []
    app.before_request(lambda: seen_urls.append(request.full_path))
    make_user(EMAIL)
    ask_for_reset(client)
    code = latest_code(app)

    page = client.get(urlsplit(reset_link(app, emails_to(EMAIL)[0])).path)  # a browser never sends the #fragment
    response = choose_password(client, code)

    assert page.status_code == 200 and "js/code_from_link.js" in page.get_data(as_text=True)
    assert response.status_code == 302
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302
    assert RESET_PAGE + "?" in seen_urls
    assert not [url for url in seen_urls if code in url]


def test_the_reset_email_job_carries_ids_only(app, client, rq_queue, run_worker):
    """The worker logs each job's description and keeps its arguments: they must hold no link and no code."""
    make_user(EMAIL)
    ask_for_reset(client)
    queued = [rq_queue.fetch_job(job_id) for job_id in rq_queue.job_ids]

    run_worker()

    code = latest_code(app)
    assert queued
    for job in queued:
        assert all(isinstance(arg, int) for arg in job.args) and not job.kwargs
        assert "/account/reset" not in job.description and code not in job.description


def test_an_old_style_link_with_the_token_in_its_path_is_gone(client):
    assert client.get("/account/reset/some-token-in-the-path").status_code == 404


def test_shopper_chooses_a_new_password_from_the_link(app, client, auth):
    make_user(EMAIL)
    ask_for_reset(client)
    code = latest_code(app)

    form = client.get(RESET_PAGE)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)

    response = choose_password(client, code)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 422
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302


def test_a_code_pasted_with_spaces_around_it_still_works(app, client, auth):
    make_user(EMAIL)
    ask_for_reset(client)

    assert choose_password(client, f"  {latest_code(app)}\n").status_code == 302
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("nine char", "nine char", "Use between 10 and 256 characters."),
        (NEW_PASSWORD, "something else entirely", "The passwords do not match."),
        ("password1234", "password1234", "This password is too easy to guess."),
    ],
    ids=["too-short", "confirm-mismatch", "common-password"],
)
def test_refused_new_password_keeps_the_code_usable(app, client, auth, password, confirm, message):
    make_user(EMAIL)
    ask_for_reset(client)
    code = latest_code(app)

    response = choose_password(client, code, password, confirm)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 302
    assert choose_password(client, code).status_code == 302


def test_reset_code_works_only_once(app, client):
    make_user(EMAIL)
    ask_for_reset(client)
    code = latest_code(app)
    assert choose_password(client, code).status_code == 302

    response = choose_password(client, code, "yet another one")

    assert response.status_code == 422
    assert INVALID_CODE in response.get_data(as_text=True)


def test_reset_code_expires_after_an_hour(app, client, auth, monkeypatch):
    make_user(EMAIL)
    ask_for_reset(client)
    code = latest_code(app)
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(services, "utcnow", lambda: later)

    response = choose_password(client, code)

    assert response.status_code == 422
    assert INVALID_CODE in response.get_data(as_text=True)
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("not-a-real-code", INVALID_CODE),
        ("", "Enter the reset code from the email."),
        ("x" * 101, "Field cannot be longer than 100 characters."),
    ],
    ids=["made-up", "missing", "overlong"],
)
def test_a_wrong_code_is_refused_with_a_reason(client, code, message):
    response = choose_password(client, code)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_using_one_of_two_reset_emails_spends_the_other(app, client):
    make_user(EMAIL)
    ask_for_reset(client)
    ask_for_reset(client)
    first, second = (reset_code(app, message) for message in emails_to(EMAIL))
    assert first != second

    assert choose_password(client, second).status_code == 302
    response = choose_password(client, first, "yet another one")

    assert response.status_code == 422
    assert INVALID_CODE in response.get_data(as_text=True)


def test_reset_link_ignores_the_host_the_request_came_in_on(app, client):
    make_user(EMAIL)

    ask_for_reset(client, headers={"Host": "evil.example"})

    [message] = emails_to(EMAIL)
    assert reset_link(app, message)
    assert "evil.example" not in message.text_body
    assert "evil.example" not in message.html_body


def test_resetting_the_password_logs_the_account_out_everywhere(app, client, auth):
    make_user(EMAIL)
    laptop = app.test_client()
    laptop.post("/account/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD, "remember": "y"})
    assert "Log out" in laptop.get("/").get_data(as_text=True)

    ask_for_reset(client)
    choose_password(client, latest_code(app))

    assert "Log out" not in laptop.get("/").get_data(as_text=True)
    laptop.delete_cookie("session")  # the remember-me cookie alone no longer logs it back in either
    assert "Log out" not in laptop.get("/").get_data(as_text=True)
    assert auth.login(EMAIL, NEW_PASSWORD).status_code == 302
