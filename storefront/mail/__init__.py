"""The mailer: messages are rendered from templates and handed to the configured backend.

Backends: `outbox` (default) stores messages in the database for the admin to read; `smtp` sends them.
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import enqueue_after_commit
from storefront.mail.models import EmailDelivery, OutboxMessage


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


def queue_email(kind, unique_key, to, secrets=None, **context):
    """Send a transactional email once, through the queue, after the current transaction commits.

    `unique_key` names what the email is about (``order:42:confirmation``); a key already recorded sends nothing
    again, however often this runs. `context` holds ids for the template and is stored; `secrets` (such as a
    password-reset link) travel only in the job's arguments. Returns the new delivery, or None for a repeat.
    """
    if db.session.scalar(select(EmailDelivery.id).where(EmailDelivery.unique_key == unique_key)) is not None:
        return None
    delivery = EmailDelivery(kind=kind, unique_key=unique_key, to_address=to, context=context)
    db.session.add(delivery)
    db.session.flush()
    args = (delivery.id, secrets) if secrets else (delivery.id,)
    enqueue_after_commit("storefront.mail.tasks.deliver_email", *args, job_id=f"email-{delivery.id}")
    return delivery
