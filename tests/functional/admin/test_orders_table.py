"""An admin finds orders in the orders table: filters, search, sort and pages that hold still while orders
arrive, counts and totals, fragments for htmx and full pages for bookmarks, and a 400 for bad filters."""

import re
from datetime import timedelta
from html import unescape

import pytest

from storefront.admin.orders import table
from storefront.catalog.models import ProductKind
from storefront.money import format_money
from storefront.orders.status import OrderStatus
from tests.factories import make_product
from tests.functional.admin.orders_table_support import (
    HTMX,
    START,
    insert_orders,
    logged_in_admin,
    order_row,
    orders_placed,
    record_refund,
)
from tests.functional.admin.test_admin_guard import ADMIN_PAGES
from tests.functional.checkout.support import Shopper

URL = "/admin/orders"


@pytest.fixture
def admin(client, auth):
    return logged_in_admin(client, auth)


def numbers_in(response):
    """The order numbers in the table, top to bottom."""
    return re.findall(r'<tr id="order-([^"]+)"', response.get_data(as_text=True))


def link(response, rel):
    """The URL of the table's `rel` link (next, prev), or None."""
    found = re.search(rf'<a href="([^"]+)"[^>]*rel="{rel}"', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


def test_the_table_and_its_export_are_admin_pages():
    assert ("GET", "/admin/orders", False) in ADMIN_PAGES
    assert ("GET", "/admin/orders.csv", False) in ADMIN_PAGES


def test_an_order_placed_in_the_shop_is_listed_with_what_was_paid(app, admin):
    shopper = Shopper(app.test_client())
    order = shopper.place(make_product(title="Brass Pen", price_cents=2500, kind=ProductKind.PHYSICAL, stock=3))
    shopper.pay(order)

    page = admin.get(URL).get_data(as_text=True)

    row = page[page.index(f'<tr id="order-{order.number}"') :].split("</tr>")[0]
    assert "guest@example.com" in row and "Ada Lovelace" in row and "physical" in row
    assert order.total_cents > 2500 and row.count(format_money(order.total_cents, "USD")) == 2  # total and paid
    assert f'<a href="/admin/orders/{order.number}">' in row or "admin.order_detail" not in app.view_functions


def test_a_normal_request_gets_the_whole_page_and_htmx_only_the_table_body(admin):
    orders_placed(2)

    page = admin.get(URL)
    body = admin.get(URL, headers=HTMX)

    assert page.status_code == body.status_code == 200
    assert "<html" in page.text and '<tbody id="order-rows"' in page.text and 'hx-target="#order-rows"' in page.text
    assert "<html" not in body.text and "<tbody" not in body.text and "<form" not in body.text
    assert numbers_in(body) == numbers_in(page) and len(numbers_in(body)) == 2
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in body.headers["Vary"]


def test_a_bookmarked_filtered_view_renders_the_full_page_with_the_filters_filled_in(admin):
    orders_placed(1, status="refunded")

    page = admin.get(f"{URL}?status=refunded&q=SF-2026&sort=total&dir=asc&refunded=1").text

    assert '<option selected value="refunded">' in page
    assert 'name="q" type="search" value="SF-2026"' in page
    assert '<option selected value="total">' in page and '<option selected value="asc">' in page
    assert 'id="refunded" name="refunded" type="checkbox" value="1"' in page and "checked" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=fulfilled", ["fulfilled", "shipped"]),
        ("attention=1", ["attention"]),
        ("kind=mixed", ["mixed"]),
        ("refunded=1", ["refunded"]),
        ("unfulfilled=1", ["shipping-paid", "shipping-processing"]),
        ("placed_from=2026-03-02&placed_to=2026-03-03", ["day-2-start", "day-3-end"]),
        (
            "placed_to=2026-03-01",
            ["plain", "fulfilled", "attention", "mixed", "refunded", "shipping-paid", "shipping-processing", "shipped"],
        ),
        ("kind=physical&unfulfilled=1&status=processing", ["shipping-processing"]),
    ],
)
def test_each_filter_keeps_only_its_orders(admin, query, expected):
    day_one = START.replace(hour=12)
    named = {
        "plain": order_row(day_one),
        "fulfilled": order_row(day_one, status=OrderStatus.FULFILLED.value),
        "attention": order_row(day_one, needs_attention=True),
        "mixed": order_row(day_one, kind="mixed"),
        "refunded": order_row(day_one),
        "shipping-paid": order_row(START - timedelta(days=2), kind="physical", requires_shipping=True),
        "shipping-processing": order_row(
            START - timedelta(days=3), kind="physical", requires_shipping=True, status="processing"
        ),
        "shipped": order_row(START - timedelta(days=3), kind="physical", requires_shipping=True, status="fulfilled"),
        "day-2-start": order_row(START.replace(day=2, hour=0)),
        "day-3-end": order_row(START.replace(day=3, hour=23, minute=59, second=59, microsecond=999999)),
        "day-4-start": order_row(START.replace(day=4, hour=0)),
    }
    insert_orders(list(named.values()))
    record_refund(named["refunded"]["number"])
    names = {row["number"]: name for name, row in named.items()}

    response = admin.get(f"{URL}?{query}", headers=HTMX)

    assert response.status_code == 200
    assert sorted(names[number] for number in numbers_in(response)) == sorted(expected)
    assert f"{len(expected)} order{'s' if len(expected) > 1 else ''} match" in response.text


def test_search_matches_the_start_of_the_number_email_or_shipping_name_in_any_case(admin):
    insert_orders(
        [
            order_row(number="SF-2026-ABCD1234", email="someone@example.com"),
            order_row(email="Grace.Hopper@Example.com"),
            order_row(shipping_name="Ada Lovelace", kind="physical", requires_shipping=True),
            order_row(email="ada_100%@example.com"),
            order_row(email="adaX100@example.com"),
        ]
    )

    def found(text):
        return [number for number in numbers_in(admin.get(URL, query_string={"q": text}, headers=HTMX))]

    assert found("sf-2026-abcd") == ["SF-2026-ABCD1234"]
    assert len(found("grace.hopper@")) == 1
    assert len(found("ada")) == 3
    assert len(found("ada lovelace")) == 1
    assert len(found("ada_100%")) == 1  # LIKE's wildcards are matched literally
    assert found("lovelace") == []  # a prefix search, not a substring one
    assert found("example.com") == []


def test_sorts_by_date_total_or_status_both_ways(admin):
    rows = [
        order_row(START, total_cents=300, status="paid"),
        order_row(START + timedelta(minutes=1), total_cents=100, status="refunded"),
        order_row(START + timedelta(minutes=2), total_cents=200, status="fulfilled"),
    ]
    first, second, third = insert_orders(rows)

    def listed(query):
        return numbers_in(admin.get(f"{URL}?{query}", headers=HTMX))

    assert listed("") == [third, second, first]  # newest first
    assert listed("sort=date&dir=asc") == [first, second, third]
    assert listed("sort=total&dir=asc") == [second, third, first]
    assert listed("sort=total&dir=desc") == [first, third, second]
    assert listed("sort=status&dir=asc") == [third, first, second]  # fulfilled, paid, refunded
    assert listed("sort=status&dir=desc") == [second, first, third]


@pytest.mark.parametrize("sort", ["sort=date&dir=desc", "sort=date&dir=asc", "sort=total&dir=desc", "sort=status"])
def test_pages_neither_shift_nor_repeat_when_orders_arrive_between_them(admin, monkeypatch, sort):
    monkeypatch.setattr(table, "PAGE_SIZE", 3)
    # Equal totals, equal statuses and equal times: the id must break the ties.
    rows = [order_row(START + timedelta(minutes=n // 2), total_cents=500 + 100 * (n // 3)) for n in range(8)]
    original = set(insert_orders(rows))

    seen, url, pages = [], f"{URL}?{sort}", 0
    while url:
        response = admin.get(url, headers=HTMX)
        seen += numbers_in(response)
        url, pages = link(response, "next"), pages + 1
        # A newer, a bigger and an older order arrive while the admin reads the page: none of them may push a row
        # onto the next page or pull one back.
        insert_orders([order_row(START + timedelta(days=1)), order_row(START - timedelta(days=1), total_cents=9999)])

    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert original <= set(seen), "a row was skipped"
    assert pages >= 3


def test_previous_goes_back_to_the_rows_just_before_and_first_page_to_the_newest(admin, monkeypatch):
    monkeypatch.setattr(table, "PAGE_SIZE", 3)
    numbers = orders_placed(7)[::-1]  # newest first
    first_page = admin.get(URL, headers=HTMX)
    assert numbers_in(first_page) == numbers[:3] and link(first_page, "prev") is None

    second_page = admin.get(link(first_page, "next"), headers=HTMX)
    newest = orders_placed(1, start=START + timedelta(days=1))
    back = admin.get(link(second_page, "prev"), headers=HTMX)
    last_page = admin.get(link(second_page, "next"), headers=HTMX)

    assert numbers_in(second_page) == numbers[3:6]
    assert numbers_in(back) == numbers[:3]
    assert link(back, "prev") is not None  # the new order is before these now
    assert numbers_in(last_page) == numbers[6:] and link(last_page, "next") is None
    first = re.search(r'<a href="([^"]+)"[^>]*>First page</a>', back.text).group(1)
    assert numbers_in(admin.get(unescape(first), headers=HTMX))[0] == newest[0]


def test_counts_and_totals_of_the_filter_and_of_the_page(admin, monkeypatch):
    monkeypatch.setattr(table, "PAGE_SIZE", 2)
    orders_placed(3, total_cents=1250)
    orders_placed(1, total_cents=999, status="refunded")
    insert_orders([order_row(START - timedelta(days=1), total_cents=5000, currency="EUR")])

    text = unescape(admin.get(f"{URL}?sort=date&dir=asc", headers=HTMX).text)
    paid_only = unescape(admin.get(f"{URL}?status=paid", headers=HTMX).text)

    assert "5 orders match</strong>, totalling €50.00 + $47.49." in text
    assert "This page: 2 orders, €50.00 + $12.50." in text
    assert "4 orders match</strong>, totalling €50.00 + $37.50." in paid_only


def test_an_empty_filter_says_so(admin):
    orders_placed(2)

    response = admin.get(f"{URL}?status=canceled", headers=HTMX)

    assert "No orders match these filters." in response.text and "0 orders match" in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("placed_from=2026-13-01", "2026-13-01 is not a day of the calendar"),
        ("placed_from=01/03/2026", "Write dates as YYYY-MM-DD"),
        ("placed_to=２０２６-03-01", "Write dates as YYYY-MM-DD"),
        ("placed_from=2026-03-05&placed_to=2026-03-01", "Placed to must not be before placed from"),
        ("status=lost", "Status: Not a valid choice"),
        ("kind=liquid", "Kind: Not a valid choice"),
        ("sort=colour", "Sort by: Not a valid choice"),
        ("dir=up", "Direction: Not a valid choice"),
        ("attention=yes", "Use 1 to turn this filter on"),
        ("q=" + "x" * 101, "Search for at most 100 characters"),
        ("after=nonsense", "That page link is damaged"),
        ("sort=total&after=12.5~3", "That page link is damaged"),
        ("after=2026-03-01T09:00:00~99999999999", "That page link is damaged"),
        ("sort=status&after=lost~1", "That page link is damaged"),
        ("after=2026-13-01T25:00:00~1", "That page link is damaged"),
        ("after=2026-03-01T09:00:00~1&before=2026-03-01T09:00:00~2", "not both"),
    ],
)
def test_bad_filters_are_a_400_that_says_what_is_wrong(admin, query, message):
    swapped = admin.get(f"{URL}?{query}", headers=HTMX)
    page = admin.get(f"{URL}?{query}")

    assert swapped.status_code == page.status_code == 400
    assert message in unescape(swapped.text) and 'role="alert"' in swapped.text and "<html" not in swapped.text
    assert message in unescape(page.text) and "<html" in page.text


def test_the_first_and_last_days_of_the_calendar_are_valid_bounds(admin):
    orders_placed(1)

    response = admin.get(f"{URL}?placed_from=0001-01-01&placed_to=9999-12-31", headers=HTMX)

    assert response.status_code == 200 and len(numbers_in(response)) == 1


def test_a_page_runs_the_same_statements_however_many_orders_it_shows(app, admin, count_queries):
    def statements_for_a_page_of(how_many):
        orders_placed(how_many, kind="physical", requires_shipping=True, shipping_name="Ada Lovelace")
        for number in admin_numbers(admin)[:3]:
            record_refund(number)
        with count_queries() as seen:
            response = admin.get(f"{URL}?kind=physical&refunded=0&sort=total", headers=HTMX)
        assert response.status_code == 200
        return seen.count

    few = statements_for_a_page_of(3)
    many = statements_for_a_page_of(table.PAGE_SIZE)

    assert few == many
    assert many <= 4  # the admin's session, the page, the count and totals (paid and refunded are in the page's)


def admin_numbers(client):
    return numbers_in(client.get(URL, headers=HTMX))
