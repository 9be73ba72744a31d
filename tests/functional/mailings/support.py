"""Helpers for consented mailings: buyers of an ebook in browsers of their own, an admin, links read from emails."""

import io
import re
from html import unescape

from sqlalchemy import select

from storefront.accounts.models import Role, User
from storefront.extensions import db
from storefront.mail.models import EmailDelivery, OutboxMessage
from storefront.refunds.services import Actor, RefundRequest, issue_refund
from tests.factories import make_user
from tests.functional.checkout.support import Shopper

ADMIN = "boss@example.com"
HTMX = {"HX-Request": "true"}
NEW_PDF = b"%PDF-1.7\n% the second edition, with the estuary chapter\n"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def admin_browser(app):
    make_user(ADMIN, role=Role.ADMIN)
    browser = app.test_client()
    browser.post("/account/login", data={"email": ADMIN, "password": "correct horse battery"})
    return browser


def buyer(app, product, email):
    """A guest who bought and paid for `product` in a browser of their own; returns (shopper, order)."""
    shopper = Shopper(app.test_client())
    order = shopper.place(product, email=email)
    shopper.pay(order)
    return shopper, order


def refund_in_full(order):
    staff = db.session.scalar(select(User).where(User.email == ADMIN))
    actor = Actor(staff.id, staff.email)
    db.session.rollback()
    issue_refund(order.id, RefundRequest(mode="full", reason="Asked for it"), actor, f"full-{order.id}")


def replace(admin, file, data=NEW_PDF, name="harbour-birds-2e.pdf", label="Second edition"):
    url = f"/admin/products/{file.product_id}/files/{file.id}/replace"
    form = {"file": (io.BytesIO(data), name), "version_label": label}
    return admin.post(url, data=form, content_type="multipart/form-data", headers=HTMX)


def notify(admin, file):
    return admin.post(f"/admin/products/{file.product_id}/files/{file.id}/notify", headers=HTMX)


def outbox(address, subject_part=""):
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return [message for message in db.session.scalars(query) if subject_part in message.subject]


def deliveries(kind):
    db.session.expire_all()
    return db.session.scalars(select(EmailDelivery).where(EmailDelivery.kind == kind).order_by(EmailDelivery.id)).all()


def link_after(text, label):
    """The first URL in a plain-text email after the line containing `label`, as a path."""
    tail = text.split(label, 1)[1]
    url = re.search(r"https?://\S+", tail).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def unsubscribe_path(message):
    return link_after(message.text_body, "To stop, open this link")


def text(response):
    return unescape(response.get_data(as_text=True))
