"""An admin downloads the orders of the current filter as CSV, streamed in batches with flat memory."""

import csv
import io
import time
import tracemalloc
from datetime import timedelta

import pytest

from storefront.admin.orders import export
from tests.functional.admin.orders_table_support import (
    START,
    insert_orders,
    logged_in_admin,
    order_row,
    orders_placed,
    record_refund,
)

URL = "/admin/orders.csv"


@pytest.fixture
def admin(client, auth):
    return logged_in_admin(client, auth)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_holds_every_order_of_the_filter_in_its_sort_order(admin):
    cheap, dear = insert_orders(
        [
            order_row(START, total_cents=1999, subtotal_cents=1999, shipping_name="Ada Lovelace", kind="physical"),
            order_row(START + timedelta(minutes=1), total_cents=50000, subtotal_cents=48000, shipping_cents=2000),
        ]
    )
    insert_orders([order_row(START, status="canceled")])
    record_refund(dear, cents=1250)

    response = admin.get(f"{URL}?status=paid&sort=total&dir=desc&after=50000~1")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="orders-')
    header, *rows = rows_of(response)
    assert header == export.HEADER
    assert [row[0] for row in rows] == [dear, cheap]  # the page cursor is ignored: the export is the whole filter
    assert rows[0][6:] == ["USD", "480.00", "0.00", "20.00", "0.00", "500.00", "0", "0.00", "12.50"]
    assert rows[1][1:6] == ["2026-03-01 09:00:00", "paid", "physical", rows[1][4], "Ada Lovelace"]


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(admin):
    insert_orders([order_row(email="=HYPERLINK(1)@example.com", shipping_name="+cmd|' /C calc'!A0")])

    _header, row = rows_of(admin.get(URL))

    assert row[4] == "'=HYPERLINK(1)@example.com"
    assert row[5] == "'+cmd|' /C calc'!A0"


def test_bad_filters_are_a_400_page_not_a_file(admin):
    response = admin.get(f"{URL}?placed_from=yesterday")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Write dates as YYYY-MM-DD" in response.get_data(as_text=True)


def test_the_csv_is_streamed_one_batch_at_a_time(admin, monkeypatch):
    monkeypatch.setattr(export, "BATCH_SIZE", 10)
    orders_placed(25)

    response = admin.get(URL, buffered=False)
    chunks = list(response.response)
    response.close()

    assert response.is_streamed
    assert [chunk.count(b"\n") for chunk in chunks] == [1, 10, 10, 5]  # the header, then three batches


def _export_peaks(client, rows_first):
    """Stream the whole export, keeping nothing. Returns the data rows streamed, the peak of memory traced while the
    first `rows_first` rows were made and sent, the peak while all the rest were, and the seconds it took."""
    tracemalloc.start()
    started = time.monotonic()
    response = client.get(URL, buffered=False)
    lines, first_peak = 0, None
    for chunk in response.response:
        lines += chunk.count(b"\n")
        if first_peak is None and lines > rows_first:
            first_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
    response.close()
    rest_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines - 1, first_peak, rest_peak, time.monotonic() - started


def test_exporting_100_000_orders_takes_no_more_memory_than_10_000(admin):
    orders_placed(100_000, step=timedelta(seconds=1))

    rows, first_10_000, other_90_000, seconds = _export_peaks(admin, 10_000)

    assert rows == 100_000
    # Nine times the rows after the first ten thousand, and no higher a peak: nothing that grows with the row count
    # is kept (the first peak also holds what is made once, such as compiled statements).
    assert other_90_000 <= first_10_000 * 1.25, (first_10_000, other_90_000)
    assert first_10_000 < 8 * 1024 * 1024
    print(f"peaks: first 10k rows {first_10_000 // 1024} KiB, other 90k {other_90_000 // 1024} KiB, {seconds:.1f}s")
