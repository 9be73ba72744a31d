"""An admin refunds an order inline: fully, partly or chosen items, with a confirmation step, once per click, never
more than was paid. Dummy-gateway orders are confirmed at once through the webhook code; Stripe's in the tests of
tests/functional/payments/test_admin_refunds.py."""

import threading
from html import unescape

import pytest
from sqlalchemy import func, select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from storefront.orders.models import Order, PaymentEvent, PaymentEventKind
from storefront.orders.status import OrderStatus
from storefront.refunds.models import Refund, RefundStatus
from storefront.refunds.services import Actor, RefundRefused, RefundRequest, issue_refund
from tests.factories import make_user
from tests.functional.checkout.support import physical, stock_of
from tests.functional.downloads.support import ebook, entitlements_of

ADMIN = "owner@example.com"


@pytest.fixture
def admin(app):
    """A second browser, logged in as an admin."""
    make_user(ADMIN, role=Role.ADMIN)
    browser = app.test_client()
    assert browser.post("/account/login", data={"email": ADMIN, "password": "correct horse battery"}).status_code == 302
    return browser


@pytest.fixture
def paid(shopper):
    """A dummy-gateway order for a 15.00 ebook and two 20.00 mugs (55.00 with free shipping), paid by a guest."""

    def buy(*products):
        order = shopper.place(*products)
        shopper.pay(order)
        return reload(order)

    return buy


def reload(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def preview(admin, order, **fields):
    return admin.post(
        f"/admin/orders/{order.number}/refund/preview",
        data={"reason": "Damaged", **fields},
        headers={"HX-Request": "true"},
    )


def confirm_key(response):
    text = response.get_data(as_text=True)
    return text.split('name="key" value="', 1)[1].split('"', 1)[0]


def refund(admin, order, **fields):
    """Review then confirm, as the admin clicks it; returns the confirmation's response."""
    key = confirm_key(preview(admin, order, **fields))
    return admin.post(
        f"/admin/orders/{order.number}/refund",
        data={"reason": "Damaged", "key": key, **fields},
        headers={"HX-Request": "true"},
    )


def refunded_events(order):
    query = select(func.count(PaymentEvent.id)).where(
        PaymentEvent.order_id == order.id, PaymentEvent.kind == PaymentEventKind.REFUND_SUCCEEDED
    )
    return db.session.scalar(query)


def test_the_confirmation_says_exactly_what_will_happen(admin, paid):
    order = paid(ebook(), physical(price_cents=2000, stock=5))

    response = preview(admin, order, mode="full")

    text = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert f"Refund ${order.total_cents / 100:.2f} to the buyer?" in text
    assert "the buyer loses access to the files" in text and "does not go back into stock" in text
    assert "The order will be refunded in full" in text
    assert reload(order).amount_refunded_cents == 0, "nothing happens before the confirm button"


def test_a_full_refund_refunds_everything_and_takes_back_the_files(admin, paid):
    order = paid(ebook())

    response = refund(admin, order, mode="full")

    order = reload(order)
    assert response.status_code == 200
    assert (order.status, order.amount_refunded_cents) == (OrderStatus.REFUNDED, 1500)
    assert all(e.revoked_at is not None for e in entitlements_of(order))
    assert db.session.scalar(select(Refund.status)) == RefundStatus.SUCCEEDED
    kinds = db.session.scalars(select(EmailDelivery.kind)).all()
    assert "refund_issued" in kinds


def test_a_partial_amount_keeps_the_files(admin, paid):
    order = paid(ebook())

    refund(admin, order, mode="amount", amount="5.00")

    order = reload(order)
    assert (order.status, order.amount_refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 500)
    assert all(e.revoked_at is None for e in entitlements_of(order))


def test_items_refund_their_price_restock_and_keep_or_lose_access_as_chosen(admin, paid):
    book, guide, mug = ebook(), ebook(title="Tide tables"), physical(price_cents=2000, stock=5)
    order = paid(book, guide, mug)
    by_product = {item.product_id: item for item in order.items}
    fields = {
        "mode": "items",
        f"qty-{by_product[book.id].id}": "1",
        f"keep-{by_product[book.id].id}": "1",
        f"qty-{by_product[guide.id].id}": "1",
        f"qty-{by_product[mug.id].id}": "1",
        f"restock-{by_product[mug.id].id}": "1",
    }

    refund(admin, order, **fields)

    order = reload(order)
    assert order.amount_refunded_cents == 1500 + 1500 + 2000
    assert stock_of(mug) == 5, "the mug went back on the shelf"
    live = {e.order_item_id for e in entitlements_of(order) if e.revoked_at is None}
    assert live == {by_product[book.id].id}, "the buyer keeps the first ebook and loses the second"


def test_an_over_refund_is_refused_with_the_amount_left(admin, paid):
    order = paid(ebook())
    refund(admin, order, mode="amount", amount="10.00")

    response = preview(admin, order, mode="amount", amount="6.00")

    assert response.status_code == 422
    assert "at most $5.00 is left" in unescape(response.get_data(as_text=True))
    assert reload(order).amount_refunded_cents == 1000


def test_a_double_click_on_confirm_refunds_once(admin, paid):
    order = paid(ebook())
    fields = {"mode": "amount", "amount": "4.00", "reason": "Late"}
    key = confirm_key(preview(admin, order, **fields))

    for _ in range(2):
        admin.post(f"/admin/orders/{order.number}/refund", data={**fields, "key": key}, headers={"HX-Request": "true"})

    assert reload(order).amount_refunded_cents == 400
    assert db.session.scalar(select(func.count(Refund.id))) == 1
    assert refunded_events(order) == 1


def test_the_refund_is_audited_and_on_the_timeline(admin, paid):
    order = paid(ebook())

    refund(admin, order, mode="amount", amount="2.50")

    [audit] = db.session.scalars(select(AuditEvent)).all()
    assert (audit.actor_email, audit.action, audit.order_id) == (ADMIN, "order.refund", order.id)
    assert audit.after["amount_cents"] == 250
    assert any("Refund of $2.50 asked by owner@example.com" in e.message for e in reload(order).events)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"mode": "amount", "amount": "abc"}, "The amount must be a number"),
        ({"mode": "amount", "amount": "0"}, "Enter an amount above zero."),
        ({"mode": "items"}, "Choose at least one item"),
        ({"mode": "sideways"}, "Choose a full refund, an amount or items."),
        ({"mode": "full", "reason": " "}, "Give a reason for the refund"),
    ],
)
def test_malformed_refunds_are_refused_with_a_reason(admin, paid, fields, message):
    order = paid(ebook())

    response = preview(admin, order, **fields)

    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))


def test_an_unpaid_order_cannot_be_refunded(admin, shopper):
    order = shopper.place(ebook())

    response = preview(admin, order, mode="full")

    assert response.status_code == 422
    assert "Only a paid order can be refunded" in response.get_data(as_text=True)


def test_two_admins_refunding_at_once_cannot_refund_more_than_was_paid(app, paid):
    order = paid(ebook(price_cents=10_000))
    boss = make_user("boss@example.com", role=Role.ADMIN)
    # Plain values: the threads must not touch this test's database session.
    order_id, actor = order.id, Actor(boss.id, boss.email)
    start, outcomes = threading.Barrier(4), []

    def refund_60_percent(number):
        with app.app_context():
            start.wait()
            request = RefundRequest(mode="amount", reason="Both at once", amount_cents=6_000)
            try:
                issue_refund(order_id, request, actor, f"concurrent-refund-{number:04d}")
                outcomes.append("refunded")
            except RefundRefused:
                outcomes.append("refused")

    threads = [threading.Thread(target=refund_60_percent, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["refunded", "refused", "refused", "refused"]
    assert reload(order).amount_refunded_cents == 6_000
