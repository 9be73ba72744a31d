"""Admin: the orders table's current filter as CSV, streamed. Rows are read in keyset batches and written out as
they come, so exporting 100 000 orders takes no more memory than exporting a thousand."""

import csv
import io

from flask import Response, request, stream_with_context

from storefront.admin import bp
from storefront.admin.orders.filters import OrderFilterForm
from storefront.admin.orders.table import bad_filters_page
from storefront.clock import utcnow
from storefront.money import minor_unit_exponent
from storefront.orders import search
from storefront.orders.models import Order

BATCH_SIZE = 1000
COLUMNS = (
    Order.number,
    Order.created_at,
    Order.status,
    Order.kind,
    Order.email,
    Order.shipping_name,
    Order.currency,
    Order.subtotal_cents,
    Order.discount_cents,
    Order.shipping_cents,
    Order.tax_cents,
    Order.total_cents,
    Order.needs_attention,
)
HEADER = (
    "number,placed_at_utc,status,kind,email,shipping_name,currency,subtotal,discount,shipping,tax,total,"
    "needs_attention,paid,refunded"
).split(",")
# A spreadsheet runs a cell that starts with one of these as a formula; shoppers type names and emails.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/orders.csv")
def orders_csv():
    """Every order the query string selects (the table's filters and sort, any page cursor ignored), as CSV."""
    form = OrderFilterForm(request.args)
    if not form.validate():
        return bad_filters_page(form)
    lines = stream_with_context(csv_lines(form.order_filter(), BATCH_SIZE))
    filename = f"orders-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(lines, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_lines(order_filter, batch_size):
    """The header, then one chunk of CSV text per batch of orders."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield _drain(buffer)
    for batch in search.export_batches(order_filter, COLUMNS, batch_size):
        writer.writerows(_csv_row(row) for row in batch)
        yield _drain(buffer)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_row(row):
    """One order's cells: amounts as plain decimals, and text a spreadsheet would run as a formula escaped."""
    number, placed, status, kind, email, name, currency, *amounts, attention, paid, refunded = row[:-2]
    decimal = _DECIMALS[minor_unit_exponent(currency)]
    money = [decimal(cents) for cents in amounts]
    return [
        number,
        placed.isoformat(" "),
        status,
        kind,
        _cell(email),
        _cell(name or ""),
        currency,
        *money,
        int(attention),
        decimal(paid),
        decimal(refunded),
    ]


def _cents_as_decimal(cents):
    """1999 -> "19.99": a plain number a spreadsheet reads (no symbol, no separators). Amounts are never negative."""
    major, minor = divmod(cents, 100)
    return f"{major}.{minor:02d}"


# Plain decimals by the currency's number of minor digits (money.minor_unit_exponent): 0 or 2.
_DECIMALS = {0: str, 2: _cents_as_decimal}


def _cell(text):
    """Text a spreadsheet shows as typed: a leading formula character is escaped with an apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
