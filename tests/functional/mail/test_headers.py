"""Every message that leaves over SMTP is well-formed: it has a Date and a unique Message-ID in the shop's own domain
(mail without them is marked down by spam filters)."""

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.utils import parsedate_to_datetime

from storefront.mail import Email, send_email

MESSAGE_ID = re.compile(r"<[^<>@\s]+@shop\.example\.com>")


def headers(inbox):
    return [email.message_from_bytes(envelope.content, policy=policy.default) for envelope in inbox.envelopes]


def test_a_message_carries_the_date_it_was_sent_and_a_message_id_in_the_senders_domain(app, smtp):
    app.config["MAIL_FROM"] = "Example Shop <orders@shop.example.com>"

    send_email(Email(to="reader@example.com", subject="Hello", text="Plain hello", html="<p>HTML hello</p>"))

    [message] = headers(smtp)
    sent = parsedate_to_datetime(message["Date"])
    assert abs(datetime.now(UTC) - sent) < timedelta(minutes=2)
    assert MESSAGE_ID.fullmatch(message["Message-ID"])


def test_every_email_the_shop_sends_has_its_own_message_id(app, smtp, paid_order):
    app.config["MAIL_FROM"] = "orders@shop.example.com"

    paid_order()
    paid_order()

    messages = headers(smtp)
    assert len(messages) == 2
    assert all(message["Date"] and MESSAGE_ID.fullmatch(message["Message-ID"]) for message in messages)
    assert messages[0]["Message-ID"] != messages[1]["Message-ID"]


def test_a_consented_mailing_carries_its_unsubscribe_headers_over_smtp(app, smtp):
    unsubscribe = "<https://shop.example.com/mail/unsubscribe/abc>"
    extra = {"List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}

    send_email(Email(to="reader@example.com", subject="News", text="New version", html="<p>New</p>", headers=extra))

    [message] = headers(smtp)
    assert message["List-Unsubscribe"] == unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
