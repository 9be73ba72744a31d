"""The catalogue as a shopper sees it: searching, filtering, sorting, paging, htmx swaps and product pages."""

import re
from datetime import datetime
from html import unescape

import pytest

from storefront.accounts.models import Role
from storefront.catalog.models import ProductKind
from tests.factories import make_category, make_product, make_user

HX_REQUEST = {"HX-Request": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def titles(response):
    """Product titles in the order the shopper sees the cards."""
    html = response.get_data(as_text=True)
    return [unescape(title) for title in re.findall(r'class="product-card">.*?<h2>(.*?)</h2>', html, re.S)]


def text(response):
    return unescape(response.get_data(as_text=True))


def is_full_page(response):
    page = text(response)
    return "<html" in page and 'role="search"' in page and 'id="results"' in page


# Search


def test_shopper_finds_a_product_by_a_word_in_its_title(client):
    make_product(title="Sunrise Print")
    make_product(title="Harbour Mug")
    assert titles(client.get("/?q=sunrise")) == ["Sunrise Print"]


def test_shopper_finds_a_product_by_a_word_in_its_description(client):
    make_product(title="Poster", description="Printed on *recycled* paper.")
    make_product(title="Mug")
    assert titles(client.get("/?q=recycled")) == ["Poster"]


def test_shopper_sees_only_products_matching_every_word(client):
    make_product(title="Red ceramic mug")
    make_product(title="Red poster")
    make_product(title="Blue mug")
    assert titles(client.get("/?q=mug red")) == ["Red ceramic mug"]


def test_shopper_search_ignores_letter_case(client):
    make_product(title="Sunrise Print")
    assert titles(client.get("/?q=sUNRISE pRINT")) == ["Sunrise Print"]


@pytest.mark.parametrize(("query", "found"), [("100%", "100% cotton tee"), ("e_c", "snake_case mug")])
def test_shopper_searching_for_percent_or_underscore_matches_them_literally(client, query, found):
    for title in ("100% cotton tee", "1000 cotton tees", "snake_case mug", "snake case mug"):
        make_product(title=title)
    assert titles(client.get("/", query_string={"q": query})) == [found]


def test_shopper_who_finds_nothing_is_offered_everything(client):
    make_product(title="Sunrise Print")
    response = client.get("/?q=volcano")
    assert titles(response) == []
    assert "No products match these filters." in text(response)


# Filters


def test_shopper_filters_by_category(client):
    prints, mugs = make_category("Prints"), make_category("Mugs")
    make_product(title="Sunrise Print", category=prints)
    make_product(title="Harbour Mug", category=mugs)
    make_product(title="Gift card")
    assert titles(client.get("/?category=prints")) == ["Sunrise Print"]


def test_shopper_sees_prices_within_an_inclusive_range(client):
    for cents in (999, 1000, 1500, 2000, 2001):
        make_product(title=f"Costs {cents}", price_cents=cents)
    response = client.get("/?min_price=10&max_price=20.00&sort=price_asc")
    assert titles(response) == ["Costs 1000", "Costs 1500", "Costs 2000"]


def test_shopper_submitting_the_form_with_empty_fields_sees_everything(client):
    make_product(title="Sunrise Print")
    response = client.get("/?q=&category=&min_price=+&max_price=&sort=newest&page=")
    assert response.status_code == 200
    assert titles(response) == ["Sunrise Print"]


def test_shopper_never_sees_unpublished_products_in_the_catalogue(client):
    make_product(title="On sale")
    make_product(title="Coming soon", published=False)
    assert titles(client.get("/")) == ["On sale"]
    assert titles(client.get("/?q=soon")) == []


# Sorting


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Newest", "Middle", "Oldest"]),
        ("newest", ["Newest", "Middle", "Oldest"]),
        ("price_asc", ["Middle", "Oldest", "Newest"]),
        ("price_desc", ["Newest", "Oldest", "Middle"]),
    ],
)
def test_shopper_sorts_products(client, sort, expected):
    make_product(title="Oldest", price_cents=1500, created_at=datetime(2026, 1, 1))
    make_product(title="Newest", price_cents=2500, created_at=datetime(2026, 3, 1))
    make_product(title="Middle", price_cents=500, created_at=datetime(2026, 2, 1))
    url = f"/?sort={sort}" if sort else "/"
    assert titles(client.get(url)) == expected


# Pagination


def make_five_products():
    for day in range(1, 6):
        make_product(title=f"Item {day}", created_at=datetime(2026, 1, day))


def test_shopper_pages_through_the_catalogue(app, client):
    app.config["CATALOG_PAGE_SIZE"] = 2
    make_five_products()
    first, second, last = (client.get(f"/?page={number}") for number in (1, 2, 3))
    assert titles(first) == ["Item 5", "Item 4"]
    assert titles(second) == ["Item 3", "Item 2"]
    assert titles(last) == ["Item 1"]
    assert "5 products · page 2 of 3" in text(second)


def test_shopper_sees_a_singular_count_for_one_product(client):
    make_product(title="Only one")
    page = text(client.get("/"))
    assert "1 product" in page and "1 products" not in page


def test_shopper_going_past_the_last_page_is_told_there_is_no_such_page(app, client):
    app.config["CATALOG_PAGE_SIZE"] = 2
    make_five_products()
    response = client.get("/?page=9")
    assert response.status_code == 200
    assert "There is no page 9." in text(response)
    assert titles(response) == []


def test_shopper_pagination_links_keep_the_filters_and_push_the_url(app, htmx):
    app.config["CATALOG_PAGE_SIZE"] = 2
    make_five_products()
    html = text(htmx("/?q=item&sort=price_asc&page=2"))
    next_link = re.search(r'<a href="([^"]+)" hx-get="([^"]+)"[^>]*hx-push-url="true" rel="next"', html)
    assert next_link is not None
    href, hx_get = next_link.groups()
    assert href == hx_get
    assert "q=item" in href and "sort=price_asc" in href and "page=3" in href


# htmx


def test_shopper_browsing_normally_gets_the_full_page(client):
    make_product(title="Sunrise Print")
    response = client.get("/")
    assert is_full_page(response)
    assert titles(response) == ["Sunrise Print"]


def test_shopper_filtering_with_htmx_gets_only_the_results(client, htmx):
    make_product(title="Sunrise Print")
    response = htmx("/?q=sunrise")
    assert response.status_code == 200
    assert "<html" not in text(response) and "<form" not in text(response)
    assert titles(response) == ["Sunrise Print"]


def test_shopper_going_back_in_history_gets_the_full_page(client):
    make_product(title="Sunrise Print")
    response = client.get("/?q=sunrise", headers=HISTORY_RESTORE)
    assert is_full_page(response)
    assert titles(response) == ["Sunrise Print"]


@pytest.mark.parametrize("headers", [{}, HX_REQUEST, HISTORY_RESTORE])
@pytest.mark.parametrize("url", ["/", "/?page=abc"])
def test_shopper_never_gets_a_cached_fragment_for_a_page(client, headers, url):
    response = client.get(url, headers=headers)
    assert "HX-Request" in response.vary


# Bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=posters", "There is no such category."),
        ("min_price=abc", "Min price must be a number such as 12.50."),
        ("max_price=abc", "Max price must be a number such as 12.50."),
        ("min_price=NaN", "Min price must be a number such as 12.50."),
        ("min_price=-1", "Min price must be zero or more."),
        ("min_price=1.234", "Min price can have at most 2 decimal places."),
        ("min_price=1e-999999999", "Min price can have at most 2 decimal places."),
        ("min_price=1e999999", "Min price is too large."),
        ("max_price=99999999", "Max price must be at most $21,474,836.47."),
        ("min_price=20&max_price=10", "Max price must not be below the min price."),
        ("sort=cheapest", "Not a valid choice."),
        ("page=0", "Page must be between 1 and 1,000,000."),
        ("page=-1", "Page must be between 1 and 1,000,000."),
        ("page=abc", "Page must be between 1 and 1,000,000."),
        ("page=%D9%A3", "Page must be between 1 and 1,000,000."),
        ("page=99999999999999999999", "Page must be between 1 and 1,000,000."),
        ("q=" + "x" * 101, "Search for at most 100 characters."),
    ],
)
def test_shopper_with_bad_filters_is_told_what_is_wrong(client, htmx, query, message):
    make_product(title="Sunrise Print")
    for response in (client.get(f"/?{query}"), htmx(f"/?{query}")):
        assert response.status_code == 400
        assert message in text(response)
        assert titles(response) == []
    assert is_full_page(client.get(f"/?{query}"))


@pytest.mark.parametrize("url", ["/?q=%00", "/?q=a%00b", "/products/a%00b"])
def test_shopper_typing_a_nul_byte_never_breaks_the_shop(client, url):
    """Postgres refuses NUL in text; the request is refused before any query instead of failing in one."""
    make_product(title="Sunrise Print")
    response = client.get(url)
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


# Product page


@pytest.mark.parametrize("role", [None, Role.CUSTOMER])
def test_shopper_gets_404_for_an_unknown_or_unpublished_product(client, auth, role):
    hidden = make_product(title="Coming soon", published=False)
    if role:
        auth.login(make_user(role=role).email)
    assert client.get(f"/products/{hidden.slug}").status_code == 404
    assert client.get("/products/no-such-thing").status_code == 404


def test_admin_previews_an_unpublished_product(client, auth):
    hidden = make_product(title="Coming soon", published=False)
    auth.login(make_user(role=Role.ADMIN).email)
    response = client.get(f"/products/{hidden.slug}")
    assert response.status_code == 200
    assert "Coming soon" in text(response) and "Unpublished" in text(response)


def test_shopper_sees_no_unpublished_notice_on_a_published_product(client, auth):
    product = make_product(title="On sale")
    auth.login(make_user(role=Role.ADMIN).email)
    assert "Unpublished" not in text(client.get(f"/products/{product.slug}"))


def test_shopper_sees_the_formatted_price_and_rendered_description(client):
    product = make_product(title="Sunrise Print", price_cents=1250, description="Printed in **bold** ink.")
    page = text(client.get(f"/products/{product.slug}"))
    assert "$12.50" in page
    assert "<strong>bold</strong>" in page


@pytest.mark.parametrize(
    "description",
    ['<script>alert("pwned")</script>', '<img src="x" onerror="alert(1)">', "[click](javascript:alert(1))"],
)
def test_shopper_is_protected_from_scripts_in_a_description(client, description):
    product = make_product(title="Sunrise Print", description=f"Nice.\n\n{description}")
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Nice." in page
    assert "pwned" not in page and "onerror" not in page and "javascript:" not in page


@pytest.mark.parametrize(
    ("kind", "stock", "shown", "not_shown"),
    [
        (ProductKind.PHYSICAL, 0, "Out of stock", "In stock"),
        (ProductKind.PHYSICAL, 3, "only 3 left", "Out of stock"),
        (ProductKind.PHYSICAL, 50, "In stock", "left"),
        (ProductKind.DIGITAL, None, "Digital download", "Out of stock"),
    ],
)
def test_shopper_sees_whether_a_product_is_available(client, kind, stock, shown, not_shown):
    product = make_product(title="Sunrise Print", kind=kind, stock=stock)
    details = text(client.get(f"/products/{product.slug}")).split("<h1>", 1)[1]
    assert shown in details
    assert not_shown not in details


def test_shopper_sees_out_of_stock_on_the_catalogue_card(client):
    make_product(title="Sold out", kind=ProductKind.PHYSICAL, stock=0)
    assert "Out of stock" in text(client.get("/"))


# Performance


def test_shopper_catalogue_page_costs_the_same_statements_for_2_or_12_products(client, count_queries):
    def add_products(numbers):
        for number in numbers:
            make_product(title=f"Item {number}", category=make_category(f"Category {number}"))

    add_products(range(2))
    with count_queries() as two:
        assert len(titles(client.get("/"))) == 2
    add_products(range(2, 12))
    with count_queries() as twelve:
        assert len(titles(client.get("/"))) == 12
    assert twelve.count == two.count
