"""An admin watching the orders table sees a pending refund settle in its row when the provider's `charge.refunded`
webhook lands: the row polls itself and stops once settled, without reloading the page, under the shop's CSP."""

from sqlalchemy import select

from storefront import jobs
from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments import dummy
from storefront.payments.webhooks import handle_event
from storefront.refunds.models import Refund, RefundStatus
from tests.e2e.support import SETTLE_TIMEOUT_MS, assert_not_reloaded, assert_policy_held, mark_page
from tests.e2e.test_admin_journey import log_in, paid_order
from tests.factories import make_product, make_user


def refund_waiting_for_the_provider(number, cents):
    """A refund asked of the provider and not yet confirmed, as a Stripe refund is until its webhook lands."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    db.session.add(
        Refund(
            order_id=order.id,
            amount_cents=cents,
            currency=order.currency,
            status=RefundStatus.PENDING.value,
            idempotency_key=f"e2e-{number}",
            provider="dummy",
        )
    )
    db.session.commit()
    return order


def test_a_pending_refund_settles_in_its_row_without_a_reload(app, page):
    from playwright.sync_api import expect

    number = paid_order(make_product(title="Field Guide", price_cents=1500, with_image=False), "reader@example.com")
    order = refund_waiting_for_the_provider(number, 500)
    make_user("boss@example.com", role=Role.ADMIN)
    log_in(page, "boss@example.com")
    page.goto("/admin/orders")
    mark_page(page)
    table_url = page.url
    row = page.locator(f"#order-{number}")
    expect(row).to_contain_text("refund pending")

    handle_event(dummy.refunded_event(order, 500), "dummy")
    jobs.commit()

    expect(row).to_contain_text("partially refunded", timeout=SETTLE_TIMEOUT_MS)
    expect(row).to_contain_text("$5.00")
    expect(row).not_to_contain_text("refund pending")
    expect(row).not_to_have_attribute("hx-get", f"/admin/orders/{number}/row")
    assert_not_reloaded(page, table_url)
    assert_policy_held(page)
