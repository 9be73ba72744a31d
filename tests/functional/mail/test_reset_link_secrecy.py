"""A password-reset link is a key to the account: it travels only in the job's arguments, never the database."""

import re

import pytest
from sqlalchemy import text

from storefront import jobs
from storefront.accounts.models import Role
from storefront.accounts.services import request_password_reset
from storefront.extensions import db
from storefront.urls import external_url
from tests.factories import make_user
from tests.functional.mail.support import deliveries

READER = "reader@example.com"


def stored_delivery_text():
    """Every value of every email_deliveries row, as text."""
    db.session.expire_all()
    rows = db.session.execute(text("SELECT * FROM email_deliveries")).all()
    assert rows, "there should be a delivery to inspect"
    return " ".join(str(value) for row in rows for value in row)


def ask_for_a_reset():
    token = request_password_reset(READER)
    jobs.commit()
    return token, external_url("accounts.reset_password", token=token)


@pytest.fixture
def reader(app):
    return make_user(READER)


def test_a_sent_reset_email_leaves_no_link_in_the_database(app, reader, smtp):
    token, link = ask_for_a_reset()

    [message] = smtp.messages
    assert link in message.text and link in message.html
    assert token not in stored_delivery_text()
    assert deliveries("password_reset")[0].status == "sent"


def test_a_failed_reset_email_records_its_error_but_not_the_link(app, reader, smtp, closed_port, monkeypatch):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    token, _link = ask_for_a_reset()
    assert deliveries("password_reset")[0].status == "failed"

    # An error that quotes the message it failed on must not smuggle the link in either.
    def quoting_failure(email):
        raise RuntimeError(f"could not send: {email.text}")

    monkeypatch.setattr("storefront.mail.tasks.send_email", quoting_failure)
    token, link = ask_for_a_reset()

    [_, quoted] = deliveries("password_reset")
    assert quoted.status == "failed" and "could not send" in quoted.last_error
    assert "[redacted]" in quoted.last_error
    assert token not in stored_delivery_text()


def test_the_reset_page_answers_even_when_mail_is_down(app, client, reader, smtp, closed_port):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"

    response = client.post("/account/reset", data={"email": READER})

    assert response.status_code == 302
    assert deliveries("password_reset")[0].status == "failed"


def test_a_failed_reset_email_cannot_be_sent_again_without_its_link(
    app, client, auth, reader, queue, run_worker, smtp, closed_port
):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    token, _link = ask_for_a_reset()
    run_worker()
    [delivery] = deliveries("password_reset")
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    assert token not in stored_delivery_text()
    make_user("boss@example.com", role=Role.ADMIN)
    auth.login("boss@example.com")
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"

    page = client.get("/admin/emails").get_data(as_text=True)
    assert "Send again" not in re.search(rf'<tr id="delivery-{delivery.id}".*?</tr>', page, re.S).group(0)
    response = client.post(f"/admin/emails/{delivery.id}/send-again", follow_redirects=True)
    run_worker()

    assert "ask the customer to request it again" in response.get_data(as_text=True)
    assert deliveries("password_reset")[0].status == "failed"
    assert smtp.messages == []
