"""A buyer reviews what they bought from the product page, an admin approves it inline in the reviews table (no
reload), and the product page then shows it with the rating, all under the shop's CSP."""

import re

from storefront import jobs
from storefront.accounts.models import Role
from storefront.checkout.services import ReviewLine, review
from storefront.orders import services as orders
from storefront.payments import dummy
from storefront.payments.webhooks import handle_event
from tests.e2e.support import assert_not_reloaded, assert_policy_held, mark_page
from tests.e2e.test_admin_journey import log_in
from tests.factories import make_product, make_user

TEXT = "Clear maps, <b>sturdy</b> paper & a lovely cover."


def bought_by(user, product):
    """`user` buys `product` and pays, through the shop's services and the dummy gateway's webhook code."""
    order = orders.place_order(review([ReviewLine(product, 1)]), user.email, user=user, gateway="dummy")
    order.gateway_session_id = f"dummy_cs_{order.number}"
    jobs.commit()
    handle_event(dummy.session_event("checkout.session.completed", order, "paid", None), "dummy")
    jobs.commit()


def test_a_buyer_reviews_and_an_admin_approves_it_in_place(app, page):
    from playwright.sync_api import expect

    atlas = make_product(title="Coastal Atlas", price_cents=1800, with_image=False)
    bought_by(make_user("reader@example.com"), atlas)
    make_user("boss@example.com", role=Role.ADMIN)

    log_in(page, "reader@example.com")
    page.goto(f"/products/{atlas.slug}")
    mark_page(page)
    product_url = page.url
    page.get_by_label("4 stars").check()
    page.get_by_label("Your review").fill(TEXT)
    page.get_by_role("button", name="Send my review").click()
    expect(page.locator("#my-review")).to_contain_text("Waiting for approval")
    expect(page.locator("#my-review")).to_contain_text(TEXT)
    assert_not_reloaded(page, product_url)
    expect(page.locator("#reviews-list")).not_to_contain_text(TEXT)
    page.get_by_role("button", name=re.compile("Log out")).click()

    log_in(page, "boss@example.com")
    page.goto("/admin/reviews")
    mark_page(page)
    table_url = page.url
    row = page.locator("tr", has_text="Coastal Atlas")
    row.get_by_role("button", name="Approve").click()
    expect(row).to_contain_text("Review approved.")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    assert_not_reloaded(page, table_url)
    assert_policy_held(page)

    page.goto(f"/products/{atlas.slug}")
    expect(page.locator("#reviews-list")).to_contain_text(TEXT)
    expect(page.locator("#reviews")).to_contain_text("4.0 out of 5 · 1 review")
    assert page.locator("#reviews-list b").count() == 0, "the review's markup shows as text"
    assert_policy_held(page)
