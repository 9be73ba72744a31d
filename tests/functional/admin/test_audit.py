"""The audit log: every admin action is listed, newest first, filterable by action; nothing edits or deletes it."""

import pytest
from sqlalchemy import select

from storefront import create_app, jobs
from storefront.accounts.models import User
from storefront.audit.services import record_admin_action
from storefront.extensions import db
from storefront.integers import MAX_ID
from tests.functional.admin.panel_support import ADMIN_EMAIL, act, admin_browser, text_of
from tests.functional.admin.test_admin_guard import ADMIN_PAGES
from tests.functional.checkout.support import physical
from tests.functional.downloads.support import ebook


@pytest.fixture
def admin(app):
    return admin_browser(app)


@pytest.fixture
def paid_order(shopper):
    order = shopper.place(ebook(), physical(title="Harbour print"))
    shopper.pay(order)
    return order


def test_panel_actions_appear_in_the_audit_log_newest_first_with_their_order(admin, paid_order):
    act(admin, paid_order, "notes", body="First call.")
    act(admin, paid_order, "resend-receipt")

    page = text_of(admin.get("/admin/audit"))

    rows = page[page.index("<tbody>") :]
    assert rows.index("<code>order.resend_receipt</code>") < rows.index("<code>order.note</code>")
    assert ADMIN_EMAIL in page and "Added a note." in page
    assert f'href="/admin/orders/{paid_order.number}"' in page
    assert 'href="/admin/audit"' in page  # the admin nav links here


def test_the_log_filters_by_action(admin, paid_order):
    act(admin, paid_order, "notes", body="A note.")
    act(admin, paid_order, "resend-receipt")

    page = text_of(admin.get("/admin/audit?action=order.note"))

    assert "Added a note." in page and "Queued the receipt again" not in page
    assert '<option value="order.note" selected>' in page
    assert "No admin action recorded for nothing.such" in text_of(admin.get("/admin/audit?action=nothing.such"))


def test_the_log_pages_through_older_rows(admin, paid_order):
    boss = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    for number in range(51):
        record_admin_action(boss, "order.note", paid_order, f"Row {number:02d}.")
    jobs.commit()

    first, second = text_of(admin.get("/admin/audit")), text_of(admin.get("/admin/audit?page=2"))

    assert "Row 50." in first and "Row 01." in first and "Row 00." not in first and 'rel="next"' in first
    assert "Row 00." in second and "Row 50." not in second


def test_no_route_edits_or_deletes_an_audit_row():
    app = create_app({"TESTING": True})
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert [rule.rule for rule in audit_rules] == ["/admin/audit"]
    assert audit_rules[0].methods <= {"GET", "HEAD", "OPTIONS"}


def test_every_new_admin_url_is_in_the_guarded_list():
    urls = {url.replace(str(MAX_ID), "N") for _, url, _ in ADMIN_PAGES}
    assert {
        "/admin/audit",
        "/admin/orders/N",
        "/admin/orders/N/packing-slip",
        "/admin/orders/N/notes",
        "/admin/orders/N/resend-receipt",
        "/admin/orders/N/resolve-attention",
        "/admin/orders/N/shipments",
        "/admin/orders/N/entitlements/N/reissue",
        "/admin/orders/N/entitlements/N/reset-count",
        "/admin/orders/N/entitlements/N/extend",
        "/admin/orders/N/renditions/N/render-again",
        "/admin/orders/N/row",
        "/admin/jobs",
        "/admin/jobs/N/run-again",
        "/admin/webhook-failures",
    } <= urls
