"""Helpers for the order panel tests: an admin's own browser, htmx posts, and what the database says afterwards."""

from html import unescape

from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from tests.factories import DEFAULT_PASSWORD, make_user

ADMIN_EMAIL = "boss@example.com"
HTMX = {"HX-Request": "true"}


def admin_browser(app):
    """A browser of its own, logged in as an admin (the shopper's browser keeps its own cookies)."""
    make_user(ADMIN_EMAIL, role=Role.ADMIN)
    browser = app.test_client()
    response = browser.post("/account/login", data={"email": ADMIN_EMAIL, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def panel_url(order, *rest):
    return "/".join([f"/admin/orders/{order.number}", *rest])


def act(browser, order, *rest, **data):
    """POST an inline action the way the panel's htmx does."""
    return browser.post(panel_url(order, *rest), data=data, headers=HTMX)


def text_of(response):
    return unescape(response.get_data(as_text=True))


def audit_rows(action=None):
    db.session.expire_all()
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return db.session.scalars(statement).all()


def deliveries(kind):
    db.session.expire_all()
    statement = select(EmailDelivery).where(EmailDelivery.kind == kind).order_by(EmailDelivery.id)
    return db.session.scalars(statement).all()
