"""The mailer: messages are rendered from templates and handed to the configured backend.

Backends: `outbox` (default) stores messages in the database for the admin to read; `smtp` sends them.
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

from storefront.extensions import db
from storefront.mail.models import OutboxMessage


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str


def render_email(template, to, subject, **context):
    """Render `mail/<template>.txt` and `.html` into a multipart-ready Email."""
    context = {"subject": subject, **context}
    return Email(
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
    )


def send_email(email):
    """Deliver through the configured backend. The outbox backend joins the caller's transaction."""
    BACKENDS[current_app.config["MAIL_BACKEND"]](email)


def _store_in_outbox(email):
    db.session.add(
        OutboxMessage(to_address=email.to, subject=email.subject, text_body=email.text, html_body=email.html)
    )


def _send_over_smtp(email):
    url = urlsplit(current_app.config["MAIL_URL"])
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 587), timeout=30) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


BACKENDS = {"outbox": _store_in_outbox, "smtp": _send_over_smtp}
