"""Helpers for the account pages: shoppers in browsers of their own, paid orders, and codes read from emails."""

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import DEFAULT_PASSWORD
from tests.functional.checkout.support import Shopper, emails_to, page_text

ACCOUNT = "/account/"
ORDERS = "/account/orders"
LIBRARY = "/account/library"
CHANGE_EMAIL = "/account/email"
CONFIRM_EMAIL_CHANGE = "/account/email/confirm"
CHANGE_PASSWORD = "/account/password"
NEW_PASSWORD = "plover estuary lantern"


def logged_in(app, user, password=DEFAULT_PASSWORD):
    """A new browser, logged in as `user`."""
    shopper = Shopper(app.test_client())
    assert shopper.log_in(user, password).status_code == 302
    return shopper


def paid_order(shopper, *products, email):
    """`shopper` buys `products` through the real pages and pays on the dummy gateway."""
    order = shopper.place(*products, email=email)
    shopper.pay(order)
    return order


def guest_order(app, *products, email):
    """An order paid by a guest in a browser of their own."""
    return paid_order(Shopper(app.test_client()), *products, email=email)


def owner_of(order):
    db.session.expire_all()
    return db.session.scalar(select(Order.user_id).where(Order.id == order.id))


def code_from(app, message, path):
    """The code after the `#` of the email's link to `path` (never sent to the server), also shown as text."""
    link = re.search(re.escape(app.config["BASE_URL"] + path) + r"\S*", message.text_body)
    assert link, f"no link to {path} in:\n{message.text_body}"
    parts = urlsplit(link.group(0))
    assert parts.query == "" and parts.fragment
    assert parts.fragment in message.text_body.replace(link.group(0), "")
    return parts.fragment


def only_email_to(address, subject):
    """The one email to `address` whose subject says `subject` (order receipts may have gone there too)."""
    [message] = [message for message in emails_to(address) if subject in message.subject]
    return message


__all__ = ["emails_to", "page_text"]
