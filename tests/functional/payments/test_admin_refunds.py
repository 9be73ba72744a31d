"""Refunds an admin makes on a Stripe order: asked of Stripe once per confirmation, recorded when Stripe's
`charge.refunded` webhook lands (as refunds made in Stripe's dashboard are), refused clearly when Stripe says no."""

from html import unescape

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.refunds.models import Refund, RefundStatus
from tests import stripe_fake
from tests.factories import make_user
from tests.functional.downloads.support import ebook
from tests.functional.payments.support import reload

HTMX = {"HX-Request": "true"}


@pytest.fixture
def paid_order(stripe_app, fake_checkout, client, webhook):
    """A 15.00 ebook bought through Stripe Checkout and paid (the webhook landed)."""
    stripe_app.config["BASE_URL"] = "https://shop.example.com"
    assert client.post("/cart/add", data={"product_id": ebook().id, "quantity": 1}).status_code == 303
    client.post("/checkout/", data={"source": "cart", "email": "buyer@example.com"})
    order = db.session.scalar(select(Order))
    webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order)))
    return reload(order)


@pytest.fixture
def admin(app):
    make_user("owner@example.com", role=Role.ADMIN)
    browser = app.test_client()
    browser.post("/account/login", data={"email": "owner@example.com", "password": "correct horse battery"})
    return browser


def ask(admin, order, amount):
    fields = {"mode": "amount", "amount": amount, "reason": "Wrong size"}
    preview = admin.post(f"/admin/orders/{order.number}/refund/preview", data=fields, headers=HTMX)
    text = preview.get_data(as_text=True)
    if 'name="key"' not in text:
        return preview, None
    key = text.split('name="key" value="', 1)[1].split('"', 1)[0]
    return admin.post(f"/admin/orders/{order.number}/refund", data={**fields, "key": key}, headers=HTMX), key


def refunded_by_stripe(webhook, order, total):
    intent = f"pi_{order.number}"
    webhook(stripe_fake.event("charge.refunded", stripe_fake.charge(intent, order.total_cents, total)))


def the_refund():
    db.session.expire_all()
    return db.session.scalar(select(Refund))


def test_the_refund_goes_to_stripe_once_with_the_confirmations_key(paid_order, admin, fake_checkout):
    response, key = ask(admin, paid_order, "5.00")
    again = admin.post(
        f"/admin/orders/{paid_order.number}/refund",
        data={"mode": "amount", "amount": "5.00", "reason": "Wrong size", "key": key},
        headers=HTMX,
    )

    [asked] = fake_checkout.refunds
    assert (asked["amount"], asked["payment_intent"]) == (500, f"pi_{paid_order.number}")
    assert fake_checkout.requests[-1].idempotency_key == f"refund-{key}"
    assert response.status_code == again.status_code == 200
    assert "waiting for the payment provider to confirm it" in response.get_data(as_text=True)
    assert the_refund().status == RefundStatus.PENDING


def test_the_money_is_recorded_when_stripes_webhook_lands_and_the_section_stops_polling(
    paid_order, admin, webhook, fake_checkout
):
    ask(admin, paid_order, "5.00")
    section = f"/admin/orders/{paid_order.number}/refunds"
    assert admin.get(section, headers=HTMX).status_code == 200, "polls while Stripe has not confirmed"
    assert reload(paid_order).amount_refunded_cents == 0

    refunded_by_stripe(webhook, paid_order, 500)

    order = reload(paid_order)
    assert (order.status, order.amount_refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 500)
    assert the_refund().status == RefundStatus.SUCCEEDED
    assert admin.get(section, headers=HTMX).status_code == 286


def test_a_pending_refund_counts_against_what_is_left(paid_order, admin, fake_checkout):
    ask(admin, paid_order, "10.00")

    response, _ = ask(admin, paid_order, "5.01")

    assert response.status_code == 422
    assert "at most $5.00 is left" in unescape(response.get_data(as_text=True))
    assert len(fake_checkout.refunds) == 1


def test_a_refund_stripe_refuses_is_recorded_as_failed_and_reserves_nothing(paid_order, admin, fake_checkout):
    fake_checkout.refuse_refunds = "Refund amount exceeds the charge."

    response, _ = ask(admin, paid_order, "5.00")

    assert response.status_code == 409
    assert "Stripe refused the refund: Refund amount exceeds the charge." in unescape(response.get_data(as_text=True))
    refund = the_refund()
    assert refund.status == RefundStatus.FAILED and "exceeds" in refund.last_error
    assert "left to refund <strong>$15.00</strong>" in admin.get(f"/admin/orders/{paid_order.number}/refunds").text


def test_stripe_being_down_is_said_plainly(paid_order, admin, fake_checkout):
    fake_checkout.fail_with = 500

    response, _ = ask(admin, paid_order, "5.00")

    assert response.status_code == 409
    assert "not available right now" in response.get_data(as_text=True)
    assert the_refund().status == RefundStatus.FAILED


def test_a_refund_made_in_stripes_dashboard_shows_in_the_section(paid_order, admin, webhook):
    refunded_by_stripe(webhook, paid_order, 300)

    text = admin.get(f"/admin/orders/{paid_order.number}/refunds", headers=HTMX).get_data(as_text=True)

    assert "refunded $3.00" in text and "left to refund <strong>$12.00</strong>" in text


def refund_failed(webhook, fake_checkout):
    [asked] = fake_checkout.refunds
    failed = {**asked, "status": "failed", "failure_reason": "expired_or_canceled_card"}
    webhook(stripe_fake.event("refund.failed", failed))


def test_a_refund_stripe_fails_later_frees_its_amount_and_is_flagged(paid_order, admin, webhook, fake_checkout):
    ask(admin, paid_order, "5.00")

    refund_failed(webhook, fake_checkout)

    order = reload(paid_order)
    assert the_refund().status == RefundStatus.FAILED
    assert order.needs_attention and "could not complete a refund of $5.00" in order.attention_reason
    assert "left to refund <strong>$15.00</strong>" in admin.get(f"/admin/orders/{order.number}/refunds").text


def test_a_confirmed_refund_that_fails_gives_its_money_back_to_the_ledger(paid_order, admin, webhook, fake_checkout):
    ask(admin, paid_order, "5.00")
    refunded_by_stripe(webhook, paid_order, 500)

    refund_failed(webhook, fake_checkout)

    order = reload(paid_order)
    assert order.amount_refunded_cents == 0
    assert order.needs_attention


def orders_table_row(admin, order):
    page = admin.get("/admin/orders").get_data(as_text=True)
    return unescape(page.split(f'<tr id="order-{order.number}"', 1)[1].split("</tr>", 1)[0])


def test_an_orders_table_row_with_a_refund_pending_polls_its_own_row(paid_order, admin, fake_checkout):
    ask(admin, paid_order, "5.00")

    row = orders_table_row(admin, paid_order)
    response = admin.get(f"/admin/orders/{paid_order.number}/row", headers=HTMX)

    assert f'hx-get="/admin/orders/{paid_order.number}/row" hx-trigger="every 3s" hx-swap="outerHTML"' in row
    assert "refund pending" in row
    assert response.status_code == 200
    fragment = unescape(response.get_data(as_text=True))
    assert fragment.lstrip().startswith(f'<tr id="order-{paid_order.number}"') and "<html" not in fragment
    assert 'hx-trigger="every 3s"' in fragment and "refund pending" in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_the_row_stops_polling_with_the_new_status_and_amounts_once_stripe_confirms(
    paid_order, admin, webhook, fake_checkout
):
    ask(admin, paid_order, "5.00")
    refunded_by_stripe(webhook, paid_order, 500)

    response = admin.get(f"/admin/orders/{paid_order.number}/row", headers=HTMX)

    assert response.status_code == 286
    cells = [cell.split(">", 1)[1].strip() for cell in unescape(response.get_data(as_text=True)).split("<td")[1:]]
    assert "partially refunded" in cells[5]
    assert cells[7:9] == ["$15.00</td>", "$5.00</td>"]
    assert "hx-get" not in response.get_data(as_text=True) and "refund pending" not in response.get_data(as_text=True)
    assert "hx-get" not in orders_table_row(admin, paid_order)


def test_a_row_without_a_pending_refund_does_not_poll(paid_order, admin):
    assert "hx-get" not in orders_table_row(admin, paid_order)
    assert admin.get(f"/admin/orders/{paid_order.number}/row", headers=HTMX).status_code == 286


def test_a_plain_browser_asking_for_a_row_is_sent_to_the_orders_panel(paid_order, admin):
    response = admin.get(f"/admin/orders/{paid_order.number}/row")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/orders/{paid_order.number}"
    assert admin.get("/admin/orders/SF-NO-SUCH/row", headers=HTMX).status_code == 404
