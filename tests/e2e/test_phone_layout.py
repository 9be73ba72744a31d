"""A shopper on a phone (360 × 800) in a real browser, through the demo catalogue: every shopper page fits the screen
with nothing scrolling sideways, header links are big enough to tap, no id repeats, the catalogue shows two cards a row
with its filters folded behind "Filter", and the cart stacks each line with its thumbnail and keeps the totals in
view. After leaving the payment page the shopper resumes the same payment."""

import re

import pytest

from storefront import jobs
from storefront.demo import seed_demo_catalog
from tests.e2e.phone import PHONE, assert_fits_a_phone, small_targets, wait_until
from tests.e2e.support import assert_policy_held, mark_page
from tests.factories import DEFAULT_PASSWORD, make_user

# How far below the top of the screen the results may start after a page change (their scroll margin is 8 px).
RESULTS_TOP_PX = 16
ADDRESS = [
    ("Full name", "Ada Lovelace"),
    ("Address", "12 Analytical Row"),
    ("Postal code", "N1 7AA"),
    ("City", "London"),
    ("Country code", "GB"),
]


@pytest.fixture
def phone(app, page):
    """The demo shop (its pictures' variants made in-process) and a browser page the size of a phone."""
    seed_demo_catalog()
    jobs.commit()
    page.set_viewport_size(PHONE)
    return page


def boxes(locator):
    return [locator.nth(index).bounding_box() for index in range(locator.count())]


def test_the_catalogue_on_a_phone_folds_its_filters_and_shows_two_cards_a_row(phone):
    from playwright.sync_api import expect

    phone.goto("/")

    assert_fits_a_phone(phone)
    expect(phone.get_by_label("Search")).to_be_visible()
    expect(phone.get_by_label("Category")).to_be_hidden()
    first, second, third = boxes(phone.locator(".product-grid > li"))[:3]
    assert first["y"] == second["y"] and second["x"] >= first["x"] + first["width"], "two cards side by side"
    assert third["y"] > first["y"], "the third card starts the next row"
    assert first["width"] >= 140
    phone.get_by_text("Filter", exact=True).click()
    phone.get_by_label("Category").select_option("prints")
    expect(phone.locator("#results")).to_contain_text("5 products")
    assert_fits_a_phone(phone)
    assert_policy_held(phone)


def test_a_wide_screen_shows_the_filters_unfolded(phone):
    phone.set_viewport_size({"width": 1280, "height": 800})
    phone.goto("/")

    assert phone.get_by_label("Category").is_visible()
    assert not phone.get_by_text("Filter", exact=True).is_visible()


def test_a_page_change_returns_to_the_top_of_the_results(app, phone):
    from playwright.sync_api import expect

    app.config["CATALOG_PAGE_SIZE"] = 8  # two pages, each taller than the screen
    phone.goto("/")
    mark_page(phone)
    phone.get_by_role("link", name="Next").scroll_into_view_if_needed()
    assert small_targets(phone, ".pagination a, .pagination span") == []

    phone.get_by_role("link", name="Next").click()

    expect(phone.locator("#results")).to_contain_text("page 2 of 2")
    # htmx scrolls as the swap settles, a moment after the new results are in.
    wait_until(
        phone,
        "(limit) => Math.abs(document.getElementById('results').getBoundingClientRect().top) <= limit",
        RESULTS_TOP_PX,
    )
    assert phone.evaluate("window.journeyMarker") == "still-here"


def test_a_phone_shopper_buys_with_every_page_fitting_the_screen(phone):
    from playwright.sync_api import expect

    phone.goto("/products/mountain-dawn-print")
    assert_fits_a_phone(phone)
    phone.get_by_role("button", name="Add to cart").click()
    expect(phone.locator("#add-status")).to_contain_text("Added Mountain Dawn Art Print")
    phone.goto("/products/name-poster")
    assert_fits_a_phone(phone)
    phone.goto("/products/invoice-template-pack")
    phone.get_by_role("button", name="Add to cart").click()
    expect(phone.locator("#cart-link .badge")).to_have_text("2")

    phone.locator("#cart-link").click()
    phone.wait_for_url("**/cart/")
    assert_fits_a_phone(phone)
    lines = phone.locator(".cart-line")
    expect(lines).to_have_count(2)
    for line in boxes(lines):
        assert line["x"] >= 0 and line["x"] + line["width"] <= PHONE["width"]
    for index in range(2):
        thumbnail = lines.nth(index).locator("img")
        expect(thumbnail).to_be_visible()
        wait_until(phone, "(image) => image.complete && image.naturalWidth > 0", thumbnail.element_handle())
    expect(phone.locator("#cart .grand-total")).to_contain_text("$52.00")  # 35.00 + 12.00 + 5.00 shipping
    expect(phone.locator("#cart .grand-total")).to_be_in_viewport()

    phone.get_by_role("link", name="Check out").click()
    expect(phone.get_by_role("heading", name="Checkout")).to_be_visible()
    assert_fits_a_phone(phone)
    phone.get_by_label("Email for your receipt and downloads").fill("phone@example.com")
    phone.get_by_role("button", name="Pay $52.00").click()
    expect(phone.get_by_text("TEST PAYMENT PAGE.")).to_be_visible()
    payment_page = phone.url
    assert_fits_a_phone(phone)

    phone.get_by_role("link", name="Back to the shop without paying").click()
    expect(phone.get_by_role("heading", name="Payment not finished")).to_be_visible()
    assert_fits_a_phone(phone)
    expect(phone.get_by_role("link", name="Keep shopping")).to_be_visible()
    phone.get_by_role("link", name="Resume payment").click()
    phone.wait_for_url(payment_page)

    for label, value in ADDRESS:
        phone.get_by_label(label, exact=True).fill(value)
    phone.get_by_role("button", name="Pay now").click()
    phone.wait_for_url(re.compile(r"/checkout/complete/SF-\d{4}-[0-9A-Z]{8}$"))
    expect(phone.locator("#order-status")).to_contain_text("Payment received")
    expect(phone.locator("#order-status")).to_contain_text("invoice-template-pack.pdf")
    assert_fits_a_phone(phone)
    assert_policy_held(phone)


@pytest.mark.parametrize("path", ["/account/login", "/account/register", "/account/reset", "/orders/lookup", "/cart/"])
def test_account_and_lookup_pages_fit_a_phone(phone, path):
    phone.goto(path)

    assert_fits_a_phone(phone)


def test_the_favicon_is_served_under_the_policy(phone):
    phone.goto("/")

    icon = phone.evaluate(
        "fetch(document.querySelector('link[rel=icon]').href).then((r) => [r.status, r.headers.get('content-type')])"
    )

    status, content_type = icon
    assert (status, content_type.split(";")[0]) == (200, "image/svg+xml")
    assert_policy_held(phone)


def test_a_logged_in_header_is_easy_to_tap(phone):
    user = make_user("phone-owner@example.com")
    phone.goto("/account/login")
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/")

    assert phone.get_by_role("button", name="Log out").is_visible()
    assert_fits_a_phone(phone)
