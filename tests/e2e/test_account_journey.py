"""A registered shopper on a phone (360 × 800) personalises a print with an accented name, sees the preview show it,
pays, and finds it in their library, which shows "Preparing your files…" and turns into a download button by itself
once the render job has run.

Jobs go to a real Redis queue here (the `rq_queue` fixture), so the render waits until the test works the queue."""

import re

from tests.e2e.support import SETTLE_TIMEOUT_MS, assert_not_reloaded, assert_policy_held, mark_page
from tests.factories import DEFAULT_PASSWORD, make_star_map, make_user

PHONE = {"width": 360, "height": 800}
EMAIL = "zoe@example.com"


def log_in(page):
    page.goto("/account/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def buy(page, product):
    from playwright.sync_api import expect

    page.goto(f"/products/{product.slug}")
    page.get_by_label("Name on the print").fill("José Müller")
    preview = page.locator("#personalisation-preview img")
    expect(preview).to_have_attribute("alt", re.compile("José Müller"))
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("image => image.naturalWidth") > 0
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Add to cart").click()
    page.locator("#cart-link").click()
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("button", name="Pay $19.00").click()
    page.get_by_role("button", name="Pay now").click()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_shopper_finds_a_print_being_prepared_in_the_library_and_downloads_it(app, page, rq_queue, run_worker):
    from playwright.sync_api import expect

    make_user(EMAIL)
    product = make_star_map()
    page.set_viewport_size(PHONE)
    log_in(page)
    buy(page, product)

    library_link = page.get_by_role("link", name="My library")
    assert library_link.bounding_box()["height"] >= 24
    library_link.click()
    expect(page.get_by_text("Preparing your files")).to_be_visible()
    mark_page(page)
    library_url = page.url
    assert no_sideways_scroll(page)

    run_worker()

    expect(page.get_by_role("link", name="Download")).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    assert_not_reloaded(page, library_url)
    assert_policy_held(page)
    expect(page.locator(".library-order .personalisation")).to_contain_text("José Müller")
    page.get_by_role("link", name="My orders").click()
    expect(page.get_by_text("1 × Personalised Star Map")).to_be_visible()
    assert no_sideways_scroll(page)
