"""A shopper on a phone (360 × 800) personalises a print in a real browser: the preview follows the typing, a
character the font lacks is named at once, the text is changed in the cart, and the order page shows what was paid
for. Runs headless Debian Chromium at /usr/bin/chromium (never a downloaded browser)."""

import re

from storefront.extensions import db
from tests.e2e.support import assert_not_reloaded, assert_policy_held, mark_page
from tests.factories import make_product

PHONE = {"width": 360, "height": 800}


def poster():
    product = make_product(title="Name Poster", price_cents=1100, with_image=False)
    product.render_template = "print_png"
    product.buyer_fields = [
        {"label": "Name", "kind": "text", "max_length": 30},
        {"label": "Date", "kind": "date", "max_length": 10},
    ]
    db.session.commit()
    return product


def test_a_shopper_sees_the_preview_follow_their_typing_and_pays_for_that_text(page):
    from playwright.sync_api import expect

    product = poster()
    page.set_viewport_size(PHONE)
    page.goto(f"/products/{product.slug}")
    mark_page(page)
    product_url = page.url
    preview = page.locator("#personalisation-preview")

    page.get_by_label("Name").fill("José 你")
    expect(preview).to_contain_text("This character can't be printed: 你 (in “Name”).")
    page.get_by_label("Name").fill("José Müller")
    expect(preview.locator("img")).to_have_attribute("alt", re.compile("Name: José Müller"))
    expect(preview.locator("img")).to_have_js_property("complete", True)
    assert preview.locator("img").evaluate("image => image.naturalWidth") == 300
    page.get_by_label("Date").fill("2026-12-24")
    expect(preview.locator("img")).to_have_attribute("alt", re.compile("Date: 2026-12-24"))
    assert_not_reloaded(page, product_url)

    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#add-status")).to_contain_text("Added Name Poster")
    page.locator("#cart-link").click()
    cart = page.locator("#cart")
    expect(cart).to_contain_text("José Müller")
    cart.get_by_text("Change the text").click()
    cart.get_by_label("Name").fill("Zoë Müller")
    cart.get_by_role("button", name="Save the text").click()
    expect(cart.locator(".personalisation dd").first).to_have_text("Zoë Müller")

    page.get_by_role("link", name="Check out").click()
    expect(page.locator(".review-lines")).to_contain_text("Zoë Müller")
    page.get_by_label("Email for your receipt and downloads").fill("zoe@example.com")
    page.get_by_role("button", name="Pay $11.00").click()
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r"/checkout/complete/SF-"))
    expect(page.locator(".review-lines")).to_contain_text("Zoë Müller")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_policy_held(page)
