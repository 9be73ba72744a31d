"""An admin answers a privacy request received by email from the customer's page: downloads the account's data, or
deletes the account after typing its email. Only admins may; both are audited."""

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role, User
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from tests.factories import make_user
from tests.functional.account.support import logged_in
from tests.functional.checkout.support import emails_to, page_text
from tests.functional.privacy.support import exported, order_row, shopper_with_orders


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def staff(app):
    return logged_in(app, make_user("staff@example.com", role=Role.ADMIN))


def test_an_admin_downloads_a_customers_data_and_it_is_audited(app, staff):
    ada, _browser, order = shopper_with_orders(app, "ada@example.com", "Harbour")
    _bob, _bob_browser, bob_order = shopper_with_orders(app, "bob@example.com", "Mountain")

    page = page_text(staff.client.get(f"/admin/customers/{ada.id}"))
    response = staff.client.post(f"/admin/customers/{ada.id}/export")

    assert f'action="/admin/customers/{ada.id}/export"' in page
    data = exported(response)
    assert data["profile"]["email"] == "ada@example.com"
    assert [o["number"] for o in data["orders"]] == [order.number]
    assert bob_order.number not in response.get_data(as_text=True)
    [event] = _audit("customer.export")
    assert (event.actor_email, event.subject_type, event.subject_id) == ("staff@example.com", "users", str(ada.id))


def test_an_admin_deletes_an_account_after_typing_its_email(app, staff):
    ada, browser, order = shopper_with_orders(app, "ada@example.com", "Harbour")
    total = order_row(order).total_cents

    wrong = staff.client.post(f"/admin/customers/{ada.id}/delete", data={"typed_email": "bob@example.com"})

    assert wrong.status_code == 422
    assert "Type the account's email exactly to confirm the deletion." in page_text(wrong)
    assert db.session.get(User, ada.id).deleted_at is None and _audit("customer.delete") == []

    response = staff.client.post(f"/admin/customers/{ada.id}/delete", data={"typed_email": " ADA@example.com "})

    assert response.status_code == 303
    db.session.expire_all()
    account = db.session.get(User, ada.id)
    assert account.deleted_at is not None and account.email == f"deleted-user-{ada.id}@deleted.invalid"
    after = order_row(order)
    assert after.total_cents == total and after.shipping_address is None
    assert "Log out" not in page_text(browser.client.get("/")), "the customer's sessions ended"
    assert emails_to("ada@example.com")[-1].subject == "Your account has been deleted"
    [event] = _audit("customer.delete")
    assert (event.actor_email, event.subject_id) == ("staff@example.com", str(ada.id))
    assert "ada@example.com" not in event.message, "the audit row keeps no trace of the erased email"
    assert "was deleted at its owner's request" in page_text(staff.client.get(f"/admin/customers/{ada.id}"))


def test_a_staff_account_is_not_deleted_from_the_customer_page(app, staff):
    other = make_user("other-staff@example.com", role=Role.ADMIN)

    response = staff.client.post(f"/admin/customers/{other.id}/delete", data={"typed_email": other.email})

    assert response.status_code == 422 and "Staff accounts cannot be deleted here" in page_text(response)
    assert db.session.get(User, other.id).deleted_at is None


@pytest.mark.parametrize("action", ["export", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "the customer", "another customer"])
def test_only_admins_export_or_delete_an_account(app, client, who, action):
    ada = make_user("ada@example.com")
    browsers = {
        "anonymous": client,
        "the customer": logged_in(app, ada).client,
        "another customer": logged_in(app, make_user("bob@example.com")).client,
    }

    response = browsers[who].post(f"/admin/customers/{ada.id}/{action}", data={"typed_email": ada.email})

    assert response.status_code == (302 if who == "anonymous" else 403)
    db.session.expire_all()
    assert db.session.get(User, ada.id).deleted_at is None
    assert _audit(f"customer.{action}") == []
