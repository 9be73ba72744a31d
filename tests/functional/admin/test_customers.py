"""An admin looks after customers: the list with what each one bought (search, sort, pages, swapped in place), one
account's page with its orders, blocking and unblocking with a reason, and, for superadmins only, roles. Every
change is audited; the last superadmin cannot be demoted or blocked."""

import threading
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

import storefront.customers.queries
from storefront import jobs
from storefront.accounts.models import Role, User
from storefront.audit.models import AuditEvent
from storefront.customers.services import CustomerActionRefused, change_role
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import PaymentEventKind
from storefront.orders.services import record_payment
from storefront.refunds.services import Actor, RefundRequest, issue_refund
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import Shopper, digital

ADMIN = "staff@example.com"
OWNER = "owner@example.com"


@pytest.fixture
def admin(app):
    """A browser logged in as an admin (not a superadmin)."""
    return _staff_browser(app, ADMIN, Role.ADMIN)


@pytest.fixture
def owner(app):
    """A browser logged in as the shop's only superadmin."""
    return _staff_browser(app, OWNER, Role.SUPERADMIN)


def _staff_browser(app, email, role):
    make_user(email, role=role)
    browser = app.test_client()
    assert browser.post("/account/login", data={"email": email, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


def logged_in_shopper(app, user):
    shopper = Shopper(app.test_client())
    assert shopper.log_in(user).status_code == 302
    return shopper


def buy(app, user, *products, pay=True):
    """`user` buys `products` through the real checkout (and pays on the dummy gateway unless told not to)."""
    shopper = logged_in_shopper(app, user)
    order = shopper.place(*products, email=user.email)
    if pay:
        shopper.pay(order)
    return order


def refund(order, cents, admin_email=ADMIN):
    """Refund `cents` of `order` as the admin does (the dummy gateway confirms it at once)."""
    staff = db.session.scalar(select(User).where(User.email == admin_email))
    actor = Actor(staff.id, staff.email)
    db.session.rollback()  # nothing read in the refund's transaction: its first statement must take its lock
    issue_refund(order.id, RefundRequest(mode="amount", reason="Damaged", amount_cents=cents), actor, f"r-{order.id}")


def text_of(response):
    return unescape(response.get_data(as_text=True))


def row_of(page, email):
    """The text of the table row of `email` on a customers page."""
    start = page.index(f">{email}<")
    return page[start : page.index("</tr>", start)]


def emails_in_order(page, *emails):
    return sorted(emails, key=page.index)


def audit_rows(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def reload(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


# The list


def test_list_shows_lifetime_value_paid_orders_and_last_order(app, admin):
    ada = make_user("ada@example.com")
    make_user("bob@example.com")
    buy(app, ada, digital(price_cents=1500))
    second = buy(app, ada, digital(price_cents=2000))
    buy(app, ada, digital(price_cents=9900), pay=False)  # never paid: neither value nor an order
    refund(second, 500)

    page = text_of(admin.get("/admin/customers"))

    ada_row = row_of(page, "ada@example.com")
    assert "$30.00" in ada_row  # 15.00 + 20.00 - 5.00 refunded
    assert ">2<" in ada_row
    assert second.created_at.strftime("%Y-%m-%d %H:%M") in ada_row  # the last paid order
    bob_row = row_of(page, "bob@example.com")
    assert "$0.00" in bob_row
    assert "None yet" in bob_row
    assert "customers match" in page


def test_a_reversed_refund_counts_again_and_other_currencies_are_shown_apart(app, admin):
    ada = make_user("ada@example.com")
    order = buy(app, ada, digital(price_cents=1500))
    record_payment(order, PaymentEventKind.REFUND_SUCCEEDED, 500, "USD", "dummy", "re_1")
    record_payment(order, PaymentEventKind.REFUND_REVERSED, 500, "USD", "dummy", "re_1")  # the money came back
    record_payment(order, PaymentEventKind.CHARGE_SUCCEEDED, 700, "EUR", "dummy", "ch_eur")
    db.session.commit()

    ada_row = row_of(text_of(admin.get("/admin/customers")), "ada@example.com")

    assert f"{format_money(1500, 'USD')} + {format_money(700, 'EUR')}" in ada_row


def test_search_matches_any_part_of_the_email(app, admin):
    make_user("ada.lovelace@example.com")
    make_user("bob@lovelace.org")
    make_user("carol@example.com")

    page = text_of(admin.get("/admin/customers?q=LOVELACE"))
    prefix = text_of(admin.get("/admin/customers?q=carol"))
    wildcard = text_of(admin.get("/admin/customers?q=%25"))

    assert "ada.lovelace@example.com" in page and "bob@lovelace.org" in page
    assert "carol@example.com" not in page
    assert "carol@example.com" in prefix and "ada.lovelace@example.com" not in prefix
    assert "No customers match." in wildcard  # % is a character to look for, not a wildcard


def test_sorts_by_newest_account_value_or_last_order(app, admin):
    early, middle, late = (make_user(f"{name}@example.com") for name in ("early", "middle", "late"))
    for offset, user in enumerate((early, middle, late)):
        user.created_at = user.created_at + timedelta(minutes=offset)  # joined in this order
    db.session.commit()
    buy(app, late, digital(price_cents=1000))
    buy(app, early, digital(price_cents=5000))  # the biggest spender, and the latest order

    newest = text_of(admin.get("/admin/customers"))
    by_value = text_of(admin.get("/admin/customers?sort=value"))
    by_last_order = text_of(admin.get("/admin/customers?sort=last_order"))
    unknown = text_of(admin.get("/admin/customers?sort=drop+table"))

    emails = ("early@example.com", "middle@example.com", "late@example.com")
    assert emails_in_order(newest, *emails) == ["late@example.com", "middle@example.com", "early@example.com"]
    assert emails_in_order(by_value, *emails) == ["early@example.com", "late@example.com", "middle@example.com"]
    assert emails_in_order(by_last_order, *emails) == ["early@example.com", "late@example.com", "middle@example.com"]
    assert emails_in_order(unknown, *emails) == emails_in_order(newest, *emails)


def test_pages_step_through_every_customer_once(app, admin, monkeypatch):
    monkeypatch.setattr(storefront.customers.queries, "PAGE_SIZE", 2)
    emails = [make_user(f"c{number}@example.com").email for number in range(5)]

    seen, url = [], "/admin/customers?q=c"
    while url:
        page = text_of(admin.get(url))
        seen += [email for email in emails if f">{email}<" in page]
        url = page.split('rel="next"', 1)[0].rsplit('href="', 1)[1].split('"')[0] if 'rel="next"' in page else None

    assert sorted(seen) == sorted(emails)
    assert len(seen) == 5
    assert "No more customers this way." in text_of(admin.get("/admin/customers?page=99"))
    assert admin.get("/admin/customers?page=0").status_code == 200  # a bad page number means the first


def test_htmx_gets_only_the_table_body_and_a_plain_request_the_whole_page(app, admin):
    make_user("ada@example.com")

    fragment = admin.get("/admin/customers?q=ada", headers={"HX-Request": "true"})
    page = admin.get("/admin/customers?q=ada")

    assert "ada@example.com" in text_of(fragment)
    assert "<html" not in text_of(fragment) and "<tbody" not in text_of(fragment)
    assert "<html" in text_of(page) and 'id="customer-rows"' in text_of(page)
    assert 'hx-push-url="true"' in text_of(page)
    for response in (fragment, page):
        assert "HX-Request" in response.headers["Vary"]


def test_the_page_costs_the_same_statements_however_many_customers_it_shows(app, admin, count_queries):
    def statements():
        with count_queries() as seen:
            assert admin.get("/admin/customers?sort=value").status_code == 200
        return seen.count

    first = make_user("first@example.com")
    buy(app, first, digital(price_cents=1000))
    few = statements()
    for number in range(6):
        buy(app, make_user(f"more{number}@example.com"), digital(price_cents=1000 + number))

    assert statements() == few


# One account


def test_account_page_shows_the_account_and_its_orders(app, admin):
    ada = make_user("ada@example.com")
    order = buy(app, ada, digital(price_cents=1500))

    page = text_of(admin.get(f"/admin/customers/{ada.id}"))

    assert "ada@example.com" in page and "customer" in page
    assert "Email confirmed" in page and "Last login" in page
    assert order.number in page and "$15.00" in page
    if "admin.order_detail" in app.view_functions:
        assert f'href="/admin/orders/{order.number}"' in page
    assert admin.get("/admin/customers/999999").status_code == 404


# Blocking


def test_blocking_needs_a_reason(app, admin):
    ada = make_user("ada@example.com")

    response = admin.post(f"/admin/customers/{ada.id}/block", data={"reason": "  "}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "Give a reason." in text_of(response)
    assert 'id="customer-account"' in text_of(response)
    assert not reload(ada).is_blocked
    assert audit_rows("customer.block") == []


def test_blocked_customer_is_logged_out_and_can_neither_log_in_nor_check_out(app, admin):
    ada = make_user("ada@example.com")
    shopper = logged_in_shopper(app, ada)
    mug = digital(price_cents=1000)
    shopper.add(mug)
    assert "Log out" in text_of(shopper.client.get("/"))

    response = admin.post(
        f"/admin/customers/{ada.id}/block", data={"reason": "Chargebacks"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "The account is blocked." in text_of(response) and "Chargebacks" in text_of(response)
    assert "<html" not in text_of(response)
    assert "Log out" not in text_of(shopper.client.get("/"))  # the open session ended
    assert shopper.client.get("/checkout/").status_code == 403
    assert shopper.check_out(email=ada.email).status_code == 403
    refused = shopper.log_in(ada)
    assert refused.status_code == 422 and "This account is blocked" in text_of(refused)
    (row,) = audit_rows("customer.block")
    assert (row.actor_email, row.subject_type, row.subject_id) == (ADMIN, "users", str(ada.id))
    assert row.before == {"blocked": False, "reason": None}
    assert row.after == {"blocked": True, "reason": "Chargebacks"}


def test_unblocked_customer_logs_in_again(app, admin):
    ada = make_user("ada@example.com")
    admin.post(f"/admin/customers/{ada.id}/block", data={"reason": "Chargebacks"})

    response = admin.post(f"/admin/customers/{ada.id}/unblock", data={"reason": "Settled with the bank"})

    assert response.status_code == 303  # without htmx: back to the account's page
    assert response.headers["Location"].endswith(f"/admin/customers/{ada.id}")
    assert not reload(ada).is_blocked
    assert logged_in_shopper(app, ada)
    (row,) = audit_rows("customer.unblock")
    assert "Settled with the bank" in row.message
    assert row.after == {"blocked": False, "reason": None}


def test_admin_cannot_block_themselves_nor_staff(app, admin):
    me = db.session.scalar(select(User).where(User.email == ADMIN))
    colleague = make_user("colleague@example.com", role=Role.ADMIN)

    myself = admin.post(f"/admin/customers/{me.id}/block", data={"reason": "x"}, headers={"HX-Request": "true"})
    staff = admin.post(f"/admin/customers/{colleague.id}/block", data={"reason": "x"})

    assert myself.status_code == 422
    assert "You cannot block your own account." in text_of(myself)
    assert staff.status_code == 403
    assert not reload(me).is_blocked and not reload(colleague).is_blocked
    assert audit_rows("customer.block") == []


def test_nobody_blocks_the_last_superadmin(app, owner):
    second = make_user("second@example.com", role=Role.SUPERADMIN)
    me = db.session.scalar(select(User).where(User.email == OWNER))

    assert owner.post(f"/admin/customers/{second.id}/block", data={"reason": "Left"}).status_code == 303
    refused = owner.post(f"/admin/customers/{me.id}/block", data={"reason": "x"})

    assert refused.status_code == 422  # and blocking oneself is refused anyway
    assert not reload(me).is_blocked


# Roles


def test_an_admin_cannot_change_roles(app, admin):
    ada = make_user("ada@example.com")

    response = admin.post(f"/admin/customers/{ada.id}/role", data={"role": "superadmin"})

    assert response.status_code == 403
    assert reload(ada).role == Role.CUSTOMER
    assert "Change role" not in text_of(admin.get(f"/admin/customers/{ada.id}"))


def test_a_superadmin_changes_a_role_and_it_is_audited(app, owner):
    ada = make_user("ada@example.com")

    response = owner.post(f"/admin/customers/{ada.id}/role", data={"role": "admin"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "The role is changed." in text_of(response)
    assert reload(ada).role == Role.ADMIN
    (row,) = audit_rows("customer.role")
    assert (row.actor_email, row.before, row.after) == (OWNER, {"role": "customer"}, {"role": "admin"})
    assert owner.post(f"/admin/customers/{ada.id}/role", data={"role": "emperor"}).status_code == 422


def test_the_last_superadmin_cannot_be_demoted(app, owner):
    me = db.session.scalar(select(User).where(User.email == OWNER))

    refused = owner.post(f"/admin/customers/{me.id}/role", data={"role": "admin"}, headers={"HX-Request": "true"})

    assert refused.status_code == 422
    assert "is the last superadmin" in text_of(refused)
    assert reload(me).role == Role.SUPERADMIN
    assert audit_rows("customer.role") == []


def test_a_superadmin_can_step_down_while_another_remains(app, owner):
    second = make_user("second@example.com", role=Role.SUPERADMIN)
    me = db.session.scalar(select(User).where(User.email == OWNER))

    assert owner.post(f"/admin/customers/{me.id}/role", data={"role": "admin"}).status_code == 303

    assert reload(me).role == Role.ADMIN
    assert owner.post(f"/admin/customers/{second.id}/role", data={"role": "customer"}).status_code == 403


def test_two_superadmins_demoting_each_other_at_once_leave_one(app):
    first, second = (
        make_user("first@example.com", role=Role.SUPERADMIN),
        make_user("second@example.com", role=Role.SUPERADMIN),
    )
    # Plain ids: the threads must not touch this test's database session.
    pairs, start, outcomes = [(first.id, second.id), (second.id, first.id)], threading.Barrier(2), []

    def demote(actor_id, user_id):
        with app.app_context():
            actor = db.session.get(User, actor_id)
            start.wait()
            try:
                change_role(actor, user_id, Role.ADMIN)
                jobs.commit()
                outcomes.append("demoted")
            except CustomerActionRefused:
                jobs.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["demoted", "refused"]
    assert sorted(reload(user).role for user in (first, second)) == [Role.ADMIN, Role.SUPERADMIN]
    assert len(audit_rows("customer.role")) == 1


# Access


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("GET", "/{id}"), ("POST", "/{id}/block"), ("POST", "/{id}/unblock"), ("POST", "/{id}/role")],
)
def test_shoppers_are_turned_away(app, client, auth, method, path):
    ada = make_user("ada@example.com")
    auth.login("ada@example.com")

    response = client.open("/admin/customers" + path.format(id=ada.id), method=method, data={"reason": "x"})

    assert response.status_code == 403
    assert not reload(ada).is_blocked
