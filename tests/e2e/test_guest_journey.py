"""A guest's whole purchase in a real browser: htmx "Add to cart", the cart, checkout, a slow payment on the
dummy gateway, and the order page turning to "Payment received" by itself once the bank confirms.

Runs headless Debian Chromium at /usr/bin/chromium (never a downloaded browser). Without it the test is
skipped locally, but fails in CI (the CI variable is set), where a missing browser is a broken environment.
"""

import re

from sqlalchemy import select

from storefront import jobs
from storefront.catalog.models import ProductKind
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments import dummy
from storefront.payments.webhooks import handle_event
from tests.e2e.support import SETTLE_TIMEOUT_MS, assert_not_reloaded, assert_policy_held, mark_page
from tests.factories import make_product

GUEST_EMAIL = "walk-in@example.com"


def bank_confirms_slow_payment(app, order_number):
    """What the bank's confirmation does: the gateway's async-succeeded event reaches the shop server-side."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == order_number))
        handle_event(dummy.session_event("checkout.session.async_payment_succeeded", order, "paid"), "dummy")
        jobs.commit()


def test_guest_buys_with_a_slow_payment_and_sees_it_confirmed_without_reloading(app, page):
    from playwright.sync_api import expect

    mug = make_product(title="Harbour Mug", price_cents=1200, kind=ProductKind.PHYSICAL, stock=5, with_image=False)
    guide = make_product(title="Field Guide", price_cents=1500, with_image=False)

    page.goto(f"/products/{mug.slug}")
    mark_page(page)
    product_url = page.url
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#add-status")).to_contain_text("Added Harbour Mug")
    expect(page.locator("#cart-link .badge")).to_have_text("1")
    assert_not_reloaded(page, product_url)

    page.goto(f"/products/{guide.slug}")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-link .badge")).to_have_text("2")

    page.locator("#cart-link").click()
    expect(page.locator("#cart")).to_contain_text("Harbour Mug")
    expect(page.locator("#cart")).to_contain_text("Field Guide")
    page.get_by_role("link", name="Check out").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    page.get_by_label("Email for your receipt and downloads").fill(GUEST_EMAIL)
    page.get_by_role("button", name="Pay $32.00").click()  # 12.00 + 15.00 + 5.00 shipping

    expect(page.get_by_text("TEST PAYMENT PAGE.")).to_be_visible()
    for label, value in [
        ("Full name", "Walk In"),
        ("Address", "1 Quay Street"),
        ("Postal code", "12345"),
        ("City", "Harbourtown"),
        ("Country code", "US"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Pay with a slow method").click()

    page.wait_for_url(re.compile(r"/checkout/complete/SF-\d{4}-[0-9A-Z]{8}$"))
    expect(page.locator("#order-status")).to_contain_text("Confirming your payment")
    order_url = page.url
    mark_page(page)

    bank_confirms_slow_payment(app, order_url.rsplit("/", 1)[1])

    expect(page.locator("#order-status")).to_contain_text("Payment received", timeout=SETTLE_TIMEOUT_MS)
    assert_not_reloaded(page, order_url)
    assert_policy_held(page)
    order = db.session.scalar(select(Order).where(Order.number == order_url.rsplit("/", 1)[1]))
    assert (order.status, order.email, order.total_cents) == (OrderStatus.PAID, GUEST_EMAIL, 3200)


def test_shopper_filters_the_catalogue_in_place_under_the_policy(page):
    from playwright.sync_api import expect

    make_product(title="Harbour Mug", with_image=False)
    make_product(title="Field Guide", with_image=False)

    page.goto("/")
    mark_page(page)
    expect(page.locator("#results")).to_contain_text("2 products")
    page.get_by_label("Search").fill("mug")
    expect(page.locator("#results")).to_contain_text("1 product")
    expect(page.locator("#results")).not_to_contain_text("Field Guide")
    assert page.evaluate("window.journeyMarker") == "still-here"
    assert "q=mug" in page.url

    page.go_back()  # fetched again from the shop: htmx keeps no copy of pages in the browser's storage
    expect(page.locator("#results")).to_contain_text("2 products")
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    assert_policy_held(page)
