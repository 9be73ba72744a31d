"""The mailer: messages are rendered from templates and handed to the configured backend.

Backends: `outbox` (default) stores messages in the database for the admin to read; `smtp` sends them.
"""

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import enqueue_after_commit
from storefront.mail.models import DeliveryStatus, EmailDelivery, OutboxMessage

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    # Extra headers, such as List-Unsubscribe on a consented mailing.
    headers: dict = field(default_factory=dict)


def render_email(template, to, subject, headers=None, **context):
    """Render `mail/<template>.txt` and `.html` into a multipart-ready Email."""
    context = {"subject": subject, **context}
    return Email(
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
        headers=dict(headers or {}),
    )


def send_email(email):
    """Deliver through the configured backend. The outbox backend joins the caller's transaction."""
    BACKENDS[current_app.config["MAIL_BACKEND"]](email)


def _store_in_outbox(email):
    db.session.add(
        OutboxMessage(
            to_address=email.to,
            subject=email.subject,
            text_body=email.text,
            html_body=email.html,
            headers=email.headers or None,
        )
    )


# Default ports: submission with STARTTLS, implicit TLS, and plain SMTP (a relay on a trusted network).
SMTP_PORTS = {"smtp+starttls": 587, "smtps": 465, "smtp": 25}


def _tls_context():
    """A verifying TLS context (smtplib's own default checks no certificate); MAIL_CA_FILE adds a private CA."""
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE"))


def _connect(url):
    port = url.port or SMTP_PORTS[url.scheme]
    if url.scheme == "smtps":
        return smtplib.SMTP_SSL(url.hostname, port, timeout=SMTP_TIMEOUT_SECONDS, context=_tls_context())
    smtp = smtplib.SMTP(url.hostname, port, timeout=SMTP_TIMEOUT_SECONDS)
    if url.scheme == "smtp+starttls":
        smtp.starttls(context=_tls_context())
    return smtp


def _send_over_smtp(email):
    url = urlsplit(current_app.config["MAIL_URL"])
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    # Without Date and Message-ID, spam filters mark the message down (and some servers add their own, wrongly).
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(current_app.config["MAIL_FROM"]))
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    with _connect(url) as smtp:
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def _sender_domain(mail_from):
    """The MAIL_FROM address's domain, so Message-IDs name the shop rather than whichever host sent them."""
    return parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"


DELIVER_JOB = "storefront.mail.tasks.deliver_email"
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
    enqueue_after_commit(DELIVER_JOB, *args, job_id=f"email-{delivery.id}")
    return delivery


class CannotSendAgain(Exception):
    """This delivery cannot be sent again; the message says why and is safe to show to an admin."""


def can_send_again(delivery):
    """Whether `send_again` would accept this delivery: it failed, and its message holds no one-time secret."""
    from storefront.mail.tasks import KINDS

    return delivery.status == DeliveryStatus.FAILED and not KINDS[delivery.kind].needs_secrets


def send_again(delivery):
    """Queue a failed delivery once more, after the caller's commit, under a fresh job id (the failed job keeps
    its own in RQ's failed registry). Raises CannotSendAgain for a delivery that is not failed, or whose
    message needs a secret that was never stored (a password-reset link: the customer asks for a new one)."""
    if delivery.status != DeliveryStatus.FAILED:
        raise CannotSendAgain(f"Only a failed email can be sent again; this one is {delivery.status}.")
    if not can_send_again(delivery):
        raise CannotSendAgain(
            "This email carried a one-time link that is not kept; ask the customer to request it again."
        )
    delivery.status = DeliveryStatus.QUEUED.value
    enqueue_after_commit(DELIVER_JOB, delivery.id, job_id=f"email-{delivery.id}-again-{uuid.uuid4().hex[:12]}")
