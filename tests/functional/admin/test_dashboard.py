"""An admin reads the dashboard: money, orders, average order value and refund rate for a period against the one
before, revenue per day as an SVG chart, best sellers, counts that need action with their links, a 400 for a bad
period, a fragment for htmx and a full page otherwise, and a fixed number of SQL statements however much data.

Most orders and payment events here are inserted directly with the timestamps a test needs (the dashboard reads only
rows, and checkout cannot place an order in last March); one test buys through the shop's real pages."""

import re
from datetime import datetime, timedelta
from html import unescape
from itertools import count

import pytest

from storefront.accounts.models import Role
from storefront.admin import dashboard
from storefront.catalog.models import ProductKind
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.mail.models import DeliveryStatus, EmailDelivery
from storefront.money import format_money
from storefront.orders import metrics
from storefront.orders.models import Order, OrderItem, PaymentEvent, PaymentEventKind
from storefront.renders.models import RenderStatus, Rendition
from tests.factories import make_product, make_user
from tests.functional.checkout.support import Shopper

URL = "/admin/"
HTMX = {"HX-Request": "true"}
# The week the money tests look at, and the week before it.
WEEK = "?period=custom&from=2026-03-01&to=2026-03-07"
MARCH_1 = datetime(2026, 3, 1)
_numbers = count(1)


@pytest.fixture
def admin(client, auth):
    """The test client, logged in as an admin."""
    make_user("owner@example.com", role=Role.ADMIN)
    auth.login("owner@example.com")
    return client


def paid_order(paid_at, lines=(("Pen", 1000, 1),), currency="USD", **columns):
    """An order paid at `paid_at` for its `lines` (title, unit price, quantity), with its charge recorded then."""
    total = sum(price * quantity for _title, price, quantity in lines)
    number = next(_numbers)
    row = {
        "number": f"SF-DASH-{number:05d}",
        "email": f"buyer{number}@example.com",
        "status": "paid",
        "currency": currency,
        "subtotal_cents": total,
        "total_cents": total,
        "gateway": "dummy",
        "expires_at": paid_at + timedelta(hours=1),
        "created_at": paid_at - timedelta(minutes=5),
        "paid_at": paid_at,
    }
    order = Order(**{**row, **columns})
    order.items = [item(title, price, quantity) for title, price, quantity in lines]
    db.session.add(order)
    db.session.flush()
    money(order, PaymentEventKind.CHARGE_SUCCEEDED, total, paid_at)
    return order


def item(title, price, quantity):
    slug = title.lower().replace(" ", "-")
    return OrderItem(title=title, product_slug=slug, kind="digital", unit_price_cents=price, quantity=quantity)


def money(order, kind, cents, at):
    """A payment event of `kind` for `order`, recorded at `at` (as the gateway's webhook would have)."""
    db.session.add(
        PaymentEvent(
            order_id=order.id,
            kind=kind.value,
            amount_cents=cents,
            currency=order.currency,
            provider="dummy",
            provider_object_id=f"obj_{next(_numbers)}",
            created_at=at,
        )
    )
    db.session.commit()


def on(day, hour=12):
    """A time on March `day` 2026 (days before the 1st reach back into February)."""
    return MARCH_1 + timedelta(days=day - 1, hours=hour)


@pytest.fixture
def two_weeks(app):
    """Money in 1–7 March and in the week before, with refunds, a reversal, a euro order and a payment just after."""
    pen = paid_order(on(2, 10), [("Pen", 1000, 3)])  # $30
    book = paid_order(on(5), [("Book", 5000, 1)])  # $50
    paid_order(on(7, 23) + timedelta(minutes=59, seconds=59), [("Card", 2000, 1)])  # $20, the week's last second
    money(pen, PaymentEventKind.REFUND_SUCCEEDED, 1000, on(6))
    money(book, PaymentEventKind.REFUND_SUCCEEDED, 500, on(6))
    money(book, PaymentEventKind.REFUND_REVERSED, 500, on(7))  # that refund failed later: the money came back
    paid_order(on(3), [("Pen", 5000, 1)], currency="EUR")
    paid_order(on(8, 0), [("Pen", 9900, 1)])  # 8 March, midnight: the next period
    earlier = paid_order(on(-3), [("Pen", 4000, 1)])  # 25 February: $40
    money(earlier, PaymentEventKind.REFUND_SUCCEEDED, 600, on(0))  # 28 February


def panel(response):
    return response.get_data(as_text=True)


def metric(page, name):
    """The text of metric `name`'s box, tags removed and spaces squeezed."""
    box = re.search(rf'<div id="metric-{name}">(.*?)</div>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", box).split())


def test_a_weeks_money_orders_average_and_refund_rate_against_the_week_before(two_weeks):
    report = metrics.sales_report(metrics.Period(on(1).date(), on(7).date()), "USD")

    assert (report.current.collected, report.current.refunded, report.current.revenue) == (10000, 1000, 9000)
    assert (report.current.orders, report.current.average_order_value, report.current.refund_rate) == (3, 3333, 0.1)
    assert (report.previous.collected, report.previous.refunded, report.previous.orders) == (4000, 600, 1)
    assert report.previous.average_order_value == 4000 and report.previous.refund_rate == 0.15
    assert report.other_currencies == {"EUR"}


def test_the_page_shows_each_figure_with_its_change_against_the_previous_period(admin, two_weeks):
    page = panel(admin.get(URL + WEEK))

    assert metric(page, "revenue") == "Revenue $90.00 +164.7% against $34.00"
    assert metric(page, "orders") == "Paid orders 3 +200.0% against 1"
    assert metric(page, "aov") == "Average order value $33.33 -16.7% against $40.00"
    assert metric(page, "refund-rate") == "Refund rate 10.0% -5.0 points against 15.0%"
    assert "2026-03-01 to 2026-03-07 (UTC days), against 2026-02-22 to 2026-02-28" in " ".join(page.split())
    assert "Payments in EUR are not counted." in page


def test_a_period_with_nothing_before_it_says_so_instead_of_dividing_by_zero(admin):
    paid_order(on(2))

    page = panel(admin.get(URL + WEEK))

    assert metric(page, "revenue") == "Revenue $10.00 no earlier figure against $0.00"
    assert metric(page, "aov") == "Average order value $10.00 no earlier figure against –"
    assert metric(page, "refund-rate") == "Refund rate 0.0% no earlier figure against –"


def bars(page):
    """(day, amount text, negative?) for each bar of the revenue chart, left to right."""
    found = re.findall(r'<rect class="chart-bar( negative)?"[^>]*><title>([0-9-]+): ([^<]+)</title>', page)
    return [(day, amount, bool(negative)) for negative, day, amount in found]


def test_the_chart_has_a_bar_for_every_day_with_its_revenue(admin, two_weeks):
    page = panel(admin.get(URL + WEEK))

    assert bars(page) == [
        ("2026-03-01", "$0.00", False),
        ("2026-03-02", "$30.00", False),
        ("2026-03-03", "$0.00", False),  # the euro payment is not in dollars
        ("2026-03-04", "$0.00", False),
        ("2026-03-05", "$50.00", False),
        ("2026-03-06", format_money(-1500, "USD"), True),  # refunded more than collected that day
        ("2026-03-07", "$25.00", False),  # a charge and a reversed refund
    ]
    assert "<svg" in page and "style=" not in page and "<style" not in page  # the CSP allows no inline style


def test_bars_span_the_chart_from_the_best_day_down_to_the_worst():
    days = [on(n).date() for n in (1, 2, 3)]

    chart = dashboard.revenue_chart(list(zip(days, [3000, 0, -1000], strict=True)))

    assert chart.zero == 75 and [(bar.y, bar.height) for bar in chart.bars] == [(0, 75), (75, 0), (75, 25)]
    assert [bar.x for bar in chart.bars] == [1, 11, 21] and chart.width == 30


def test_the_default_period_is_the_last_30_days_one_bar_each(admin):
    page = panel(admin.get(URL))

    days = [day for day, _amount, _negative in bars(page)]
    today = utcnow().date()
    assert len(days) == 30 and days[-1] == today.isoformat() and days[0] == (today - timedelta(days=29)).isoformat()
    assert re.search(r'<a href="/admin/\?period=30d"[^>]*aria-current="true">30 days</a>', page)


@pytest.mark.parametrize(("period", "days"), [("today", 1), ("7d", 7), ("30d", 30), ("90d", 90)])
def test_each_preset_period_ends_today(admin, period, days):
    paid_order(utcnow() - timedelta(minutes=1), [("Pen", 1200, 1)])

    page = panel(admin.get(f"{URL}?period={period}"))

    assert len(bars(page)) == days and bars(page)[-1] == (utcnow().date().isoformat(), "$12.00", False)
    assert metric(page, "orders").startswith("Paid orders 1 ")


def test_an_order_bought_through_the_shop_counts_today(app, admin):
    shopper = Shopper(app.test_client())
    order = shopper.place(make_product(title="Brass Pen", price_cents=2500, kind=ProductKind.PHYSICAL, stock=3))
    shopper.pay(order)
    paid = db.session.get(Order, order.id)

    page = panel(admin.get(URL + "?period=today"))

    assert metric(page, "revenue").startswith(f"Revenue {format_money(paid.total_cents, 'USD')} ")
    assert metric(page, "orders").startswith("Paid orders 1 ")
    assert top_products(page) == [("Brass Pen", "1", "$25.00")]


def top_products(page):
    table = re.search(r'<table class="top-products">.*?</table>', page, re.S).group(0)
    return re.findall(r"<tr><td>([^<]+)</td><td>([0-9]+)</td><td>([^<]+)</td></tr>", table)


def test_top_products_rank_by_revenue_then_units_within_the_period(admin):
    paid_order(on(2), [("Pen", 1000, 2), ("Book", 3000, 1)])
    paid_order(on(3), [("Card", 1000, 3)])
    paid_order(on(-1), [("Pen", 1000, 10)])  # paid the week before
    paid_order(on(4), [("Pen", 1000, 10)], currency="EUR")
    paid_order(on(5), [("Mug", 500, 1), ("Map", 700, 1), ("Cap", 600, 1)])

    page = panel(admin.get(URL + WEEK))

    assert top_products(page) == [
        ("Card", "3", "$30.00"),
        ("Book", "1", "$30.00"),
        ("Pen", "2", "$20.00"),
        ("Map", "1", "$7.00"),
        ("Cap", "1", "$6.00"),
    ]


@pytest.fixture
def things_to_do(app):
    """Two orders flagged, one parcel to send (and one sent), a failed job, email and render."""
    paid_order(on(1), needs_attention=True, attention_reason="Paid twice")
    paid_order(on(1), needs_attention=True, attention_reason="Paid after it expired")
    paid_order(on(1), requires_shipping=True, kind="physical")
    paid_order(on(1), requires_shipping=True, kind="physical", status="fulfilled")
    rendered = paid_order(on(1))
    db.session.add_all(
        [
            JobRecord(job_key="job-1", func_path="storefront.x.y", args=[], state=JobState.FAILED.value),
            JobRecord(job_key="job-2", func_path="storefront.x.y", args=[], state=JobState.DONE.value),
            EmailDelivery(unique_key="k1", kind="receipt", to_address="a@example.com", status=DeliveryStatus.FAILED),
            EmailDelivery(unique_key="k2", kind="receipt", to_address="b@example.com", status=DeliveryStatus.SENT),
            Rendition(order_item_id=rendered.items[0].id, status=RenderStatus.FAILED.value),
        ]
    )
    db.session.commit()


def action(page, name):
    """(count, link or None) of the action box `name`."""
    box = re.search(rf'<div id="action-{name}">(.*?)</div>', page, re.S).group(1)
    found = re.search(r'<dd>(?:<a href="([^"]+)">)?([0-9]+)', box)
    return int(found.group(2)), found.group(1) and unescape(found.group(1))


def test_counts_that_need_action_link_to_where_they_are_dealt_with(admin, things_to_do):
    page = panel(admin.get(URL))

    assert "2 orders need attention" in page
    assert action(page, "attention") == (2, "/admin/orders?attention=1")
    assert action(page, "unfulfilled") == (1, "/admin/orders?unfulfilled=1")
    assert action(page, "failed-emails") == (1, "/admin/emails")
    assert action(page, "failed-renders") == (1, "/admin/renders")
    assert action(page, "failed-jobs") == (1, "/admin/jobs")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=week", "Choose a period: today, 7d, 30d, 90d, custom."),
        ("period=custom&from=2026-02-30&to=2026-03-07", "Write days as YYYY-MM-DD, such as 2026-12-02."),
        ("period=custom&from=March&to=2026-03-07", "Write days as YYYY-MM-DD, such as 2026-12-02."),
        ("period=custom&from=2026-03-01", "Choose the first and the last day of a custom period."),
        ("period=custom", "Choose the first and the last day of a custom period."),
        ("period=custom&from=2026-03-08&to=2026-03-07", "The last day must not be before the first."),
        ("period=custom&from=2025-01-01&to=2026-03-07", "Choose at most 366 days."),
        ("period=custom&from=0001-01-01&to=0001-01-02", "Choose a day from 2000-01-01 to 2099-12-31."),
        ("period=7d&to=tomorrow", "Write days as YYYY-MM-DD, such as 2026-12-02."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_bad_period_is_a_400_that_says_what_is_wrong(admin, query, message, headers):
    response = admin.get(f"{URL}?{query}", headers=headers)

    assert response.status_code == 400
    assert message in panel(response)
    assert 'id="metric-revenue"' not in panel(response)


def test_choosing_a_period_swaps_only_the_metrics_panel_and_pushes_the_url(admin, things_to_do):
    page = admin.get(URL + WEEK)
    fragment = admin.get(URL + WEEK, headers=HTMX)

    assert page.status_code == fragment.status_code == 200
    assert "<html" in panel(page) and '<section id="dashboard-metrics"' in panel(page)
    assert "<html" not in panel(fragment) and '<section id="dashboard-metrics"' not in panel(fragment)
    assert 'id="metric-revenue"' in panel(fragment) and bars(panel(fragment)) == bars(panel(page))
    assert 'id="action-attention"' in panel(page) and 'id="action-attention"' not in panel(fragment)
    assert 'hx-target="#dashboard-metrics" hx-push-url="true"' in panel(fragment)
    assert 'value="2026-03-01"' in panel(fragment) and 'value="2026-03-07"' in panel(fragment)
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def lots_of_sales(how_many):
    for n in range(how_many):
        order = paid_order(on(1 + n % 28), [(f"Product {n % 9}", 1000 + n, 1 + n % 3), ("Card", 300, 1)])
        money(order, PaymentEventKind.REFUND_SUCCEEDED, 100, on(1 + n % 28, 15))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_statement_count_does_not_grow_with_the_data(admin, count_queries, headers):
    url = URL + "?period=custom&from=2026-03-01&to=2026-03-31"
    lots_of_sales(1)
    with count_queries() as few:
        admin.get(url, headers=headers)
    lots_of_sales(60)
    with count_queries() as many:
        page = panel(admin.get(url, headers=headers))

    assert metric(page, "orders").startswith("Paid orders 61 ")
    assert many.count == few.count
    assert few.count <= 8, few.statements
