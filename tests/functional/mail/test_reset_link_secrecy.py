"""A reset code is a key to the account: the mail job mints it as it writes the email, so it is in no job's
arguments and, but for its hash, nowhere in the database; an error that quotes the email is stored redacted."""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from storefront import jobs
from storefront.accounts.models import Role
from storefront.accounts.services import request_password_reset
from storefront.extensions import db
from tests.factories import make_user
from tests.functional.mail.support import deliveries

READER = "reader@example.com"


def stored_text():
    """Every value of every row of every table, as text (the SMTP backend keeps no copy of the email)."""
    db.session.expire_all()
    values = []
    for table in db.metadata.sorted_tables:
        values += [str(value) for row in db.session.execute(text(f"SELECT * FROM {table.name}")) for value in row]
    return " ".join(values)


def code_in(body):
    """The reset code: the fragment of the email's reset link."""
    link = re.search(r"https?://\S+/account/reset/new#\S+", body)
    assert link, f"no reset link in:\n{body}"
    return urlsplit(link.group(0)).fragment


def ask_for_a_reset():
    request_password_reset(READER)
    jobs.commit()


@pytest.fixture
def reader(app):
    return make_user(READER)


def test_a_sent_reset_email_leaves_no_code_in_the_database(app, reader, smtp):
    ask_for_a_reset()

    [message] = smtp.messages
    code = code_in(message.text)
    assert code in message.html
    assert deliveries("password_reset")[0].status == "sent"
    assert code not in stored_text()


def test_a_failed_reset_email_records_its_error_but_not_the_code(app, reader, smtp, closed_port, monkeypatch):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    ask_for_a_reset()
    assert deliveries("password_reset")[0].status == "failed"

    # An error that quotes the message it failed on must not smuggle the code in either.
    attempted = []

    def quoting_failure(email):
        attempted.append(email.text)
        raise RuntimeError(f"could not send: {email.text}")

    monkeypatch.setattr("storefront.mail.tasks.send_email", quoting_failure)
    ask_for_a_reset()

    [_, quoted] = deliveries("password_reset")
    assert quoted.status == "failed" and "could not send" in quoted.last_error
    assert "[redacted]" in quoted.last_error
    assert code_in(attempted[0]) not in stored_text()


def test_the_reset_page_answers_even_when_mail_is_down(app, client, reader, smtp, closed_port):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"

    response = client.post("/account/reset", data={"email": READER})

    assert response.status_code == 302
    assert deliveries("password_reset")[0].status == "failed"


def test_a_failed_reset_email_sent_again_carries_a_fresh_working_code(
    app, client, auth, reader, queue, run_worker, smtp, closed_port
):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    ask_for_a_reset()
    run_worker()
    [delivery] = deliveries("password_reset")
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    make_user("boss@example.com", role=Role.ADMIN)
    auth.login("boss@example.com")
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"

    page = client.get("/admin/emails").get_data(as_text=True)
    assert "Send again" in re.search(rf'<tr id="delivery-{delivery.id}".*?</tr>', page, re.S).group(0)
    client.post(f"/admin/emails/{delivery.id}/send-again")
    run_worker()

    assert deliveries("password_reset")[0].status == "sent"
    [message] = smtp.messages
    new_password = {"password": "a brand new secret", "confirm": "a brand new secret"}
    assert client.post("/account/reset/new", data={"code": code_in(message.text), **new_password}).status_code == 302
    assert auth.login(READER, "a brand new secret").status_code == 302
