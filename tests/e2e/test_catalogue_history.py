"""Back and forward in the catalogue restore the filter form with the results: the search box, category and sort
always say what the address bar says, whether the step goes back through htmx swaps or to a page left for a product."""

from urllib.parse import parse_qs, urlsplit

import pytest

from storefront.catalog.models import Category
from storefront.extensions import db
from tests.e2e.phone import PHONE
from tests.factories import make_product

FORM_DEFAULTS = {"q": "", "category": "", "sort": "newest"}
LABELS = {"q": "Search", "category": "Category", "sort": "Sort by"}


@pytest.fixture
def shop(app):
    prints = Category(slug="prints", name="Prints", position=1)
    db.session.add(prints)
    make_product(title="Harbour Print", category=prints, with_image=False)
    make_product(title="Harbour Mug", with_image=False)
    make_product(title="Field Guide", with_image=False)


def assert_form_says_what_the_url_says(page, results):
    from playwright.sync_api import expect

    asked = {name: values[0] for name, values in parse_qs(urlsplit(page.url).query).items()}
    expect(page.locator("#results")).to_contain_text(results)
    for name, label in LABELS.items():
        expect(page.get_by_label(label)).to_have_value(asked.get(name, FORM_DEFAULTS[name]))


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "wide"])
def test_back_and_forward_restore_the_filter_form_with_the_results(shop, page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/")
    page.get_by_label("Search").press_sequentially("harbour", delay=30)
    page.wait_for_url("**/?q=harbour*")
    if viewport == PHONE:
        page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Category").select_option("prints")
    page.wait_for_url("**category=prints*")
    assert_form_says_what_the_url_says(page, "1 product")

    page.go_back()
    assert "q=harbour" in page.url and "category=prints" not in page.url
    assert_form_says_what_the_url_says(page, "2 products")
    page.go_back()
    assert urlsplit(page.url).query == ""
    assert_form_says_what_the_url_says(page, "3 products")
    page.go_forward()
    assert_form_says_what_the_url_says(page, "2 products")
    page.go_forward()
    assert "category=prints" in page.url
    assert_form_says_what_the_url_says(page, "1 product")

    page.get_by_role("link", name="Harbour Print", exact=True).click()
    page.wait_for_url("**/products/*")
    page.go_back()
    assert "category=prints" in page.url
    assert_form_says_what_the_url_says(page, "1 product")
