"""The admin orders table's queries: filters, search, sort, keyset pages, totals, and export batches.

Pages are keyset pages, not OFFSET ones: a page is "the `per_page` orders after (or before) this (sort key, id)", so
orders placed while an admin pages through the table neither shift nor repeat rows, and every page is an index range
scan at any depth (migration 87d9163aac81 adds one index per filter and sort).

Search matches prefixes, not substrings: the start of the order number, of the email or of the shipping name, case
folded. Prefixes can use plain btree indexes (with pattern operator classes on Postgres); substring search would need
pg_trgm, which a stock Postgres does not have. Dates are UTC days, as the table shows them.

Nothing here reads `request`: storefront/admin/orders/filters.py turns the query string into an `OrderFilter`.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select, tuple_

from storefront.extensions import db
from storefront.integers import MAX_BIGINT, MAX_ID, parse_int
from storefront.orders.models import Order, PaymentEventKind
from storefront.orders.models import PaymentEvent as Event
from storefront.orders.status import OrderStatus

SORT_KEYS = {"date": Order.created_at, "total": Order.total_cents, "status": Order.status}
KINDS = ("digital", "physical", "mixed")
# Paid orders whose parcel has not gone out yet.
AWAITING_SHIPMENT = (OrderStatus.PAID.value, OrderStatus.PROCESSING.value)
CURSOR_SEPARATOR = "~"
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?")


@dataclass(frozen=True)
class OrderFilter:
    """Which orders, in which order. Every field is optional; the default is all orders, newest first."""

    status: str = ""
    attention: bool = False
    placed_from: date | None = None
    placed_to: date | None = None
    kind: str = ""
    refunded: bool = False
    unfulfilled: bool = False
    text: str = ""
    sort: str = "date"
    descending: bool = True


@dataclass(frozen=True)
class Cursor:
    """A row's place in a sort: its sort key and its id (the tie-breaker that makes the order total)."""

    key: object
    id: int

    @property
    def token(self):
        """The cursor as a URL parameter, read back by `parse_cursor`."""
        key = self.key.isoformat() if isinstance(self.key, datetime) else self.key
        return f"{key}{CURSOR_SEPARATOR}{self.id}"


@dataclass(frozen=True)
class OrdersPage:
    """`rows` are (order, paid_cents, refunded_cents); a cursor is None when there is nothing that way."""

    rows: list
    previous: Cursor | None
    next: Cursor | None

    @property
    def totals(self):
        """The sum of the page's order totals, per currency: [(currency, cents)]."""
        sums = {}
        for order, _paid, _refunded in self.rows:
            sums[order.currency] = sums.get(order.currency, 0) + order.total_cents
        return sorted(sums.items())


@dataclass(frozen=True)
class Summary:
    """How many orders match the filter and their totals per currency: [(currency, cents)]."""

    count: int
    totals: list


def parse_cursor(text, sort):
    """The Cursor that `Cursor.token` spelled for a `sort` key; ValueError with a readable reason otherwise."""
    key_text, _, id_text = (text or "").rpartition(CURSOR_SEPARATOR)
    key, order_id = _parse_key(key_text, sort), parse_int(id_text, 1, MAX_ID)
    if key is None or order_id is None:
        raise ValueError("That page link is damaged. Go back to the first page.")
    return Cursor(key, order_id)


def _parse_key(text, sort):
    if sort == "total":
        return parse_int(text, 0, MAX_BIGINT)
    if sort == "status":
        return text if text in set(OrderStatus) else None
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # digits in the right places, but no such time (month 13, hour 25)
        return None


def orders_page(order_filter, per_page, after=None, before=None):
    """The `per_page` matching orders just after `after` (or just before `before`), in the filter's sort order;
    the first page when both are None."""
    going_back = before is not None
    statement = _in_keyset_order(_matching(_rows(), order_filter), order_filter, before or after, going_back)
    rows = db.session.execute(statement.limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    if going_back:
        rows.reverse()
    has_previous, has_next = (more, True) if going_back else (after is not None, more)
    cursors = [_cursor_of(row[0], order_filter.sort) for row in (rows[:1] + rows[-1:])] if rows else [None, None]
    return OrdersPage(rows, cursors[0] if has_previous else None, cursors[-1] if has_next else None)


def order_row(number):
    """The row of the order numbered `number`, (order, paid_cents, refunded_cents) as a page has it; None if none."""
    return db.session.execute(_rows().where(Order.number == number)).first()


def summarise(order_filter):
    """Count and total of every matching order, in one statement (a scan of an index or of the table)."""
    statement = _matching(
        select(Order.currency, func.count(Order.id), func.sum(Order.total_cents)), order_filter
    ).group_by(Order.currency)
    rows = db.session.execute(statement.order_by(Order.currency)).all()
    return Summary(sum(count for _currency, count, _total in rows), [(currency, total) for currency, _c, total in rows])


def export_batches(order_filter, columns, batch_size=1000):
    """Every matching order, in the filter's sort order, in lists of at most `batch_size` rows: each batch is one
    keyset query, so memory stays flat however many orders match. A row holds `columns`, then paid and refunded
    cents, then its keyset position (sort key, id), which the caller ignores."""
    statement = _matching(select(*columns, _paid(), _refunded(), SORT_KEYS[order_filter.sort], Order.id), order_filter)
    cursor = None
    while rows := db.session.execute(_in_keyset_order(statement, order_filter, cursor).limit(batch_size)).all():
        yield rows
        cursor = Cursor(*rows[-1][-2:])


def _rows():
    return select(Order, _paid(), _refunded())


def _amount_of(kind):
    total = func.coalesce(func.sum(Event.amount_cents), 0)
    return select(total).where(Event.order_id == Order.id, Event.kind == kind.value).scalar_subquery()


def _paid():
    return _amount_of(PaymentEventKind.CHARGE_SUCCEEDED).label("paid_cents")


def _refunded():
    return _amount_of(PaymentEventKind.REFUND_SUCCEEDED).label("refunded_cents")


def _cursor_of(order, sort):
    return Cursor(getattr(order, SORT_KEYS[sort].key), order.id)


def _in_keyset_order(statement, order_filter, cursor, going_back=False):
    """Order by (sort key, id) in the filter's direction (reversed when paging back) and start past `cursor`."""
    columns = (SORT_KEYS[order_filter.sort], Order.id)
    descending = order_filter.descending != going_back
    if cursor is not None:
        position = tuple_(*columns)
        past = (cursor.key, cursor.id)
        statement = statement.where(position < past if descending else position > past)
    return statement.order_by(*(column.desc() if descending else column.asc() for column in columns))


def _matching(statement, order_filter):
    return statement.where(*_conditions(order_filter))


def _conditions(order_filter):
    """The WHERE clauses for `order_filter`, one per filter that is set."""
    if order_filter.status:
        yield Order.status == order_filter.status
    if order_filter.attention:
        yield Order.needs_attention.is_(True)
    if order_filter.kind:
        yield Order.kind == order_filter.kind
    if order_filter.refunded:
        yield exists().where(Event.order_id == Order.id, Event.kind == PaymentEventKind.REFUND_SUCCEEDED.value)
    if order_filter.unfulfilled:
        yield Order.requires_shipping.is_(True)
        yield Order.status.in_(AWAITING_SHIPMENT)
    yield from _placed_between(order_filter.placed_from, order_filter.placed_to)
    yield from _search(order_filter.text)


def _placed_between(first_day, last_day):
    """Both days included: from the start of `first_day` to the end of `last_day`, UTC."""
    if first_day is not None:
        yield Order.created_at >= datetime.combine(first_day, time.min)
    if last_day is not None and last_day < date.max:  # up to the last day there is: no upper bound
        yield Order.created_at < datetime.combine(last_day + timedelta(days=1), time.min)


def _search(text):
    """Orders whose number, email or shipping name starts with `text` (any case); nothing to add for no text."""
    text = text.strip()
    if not text:
        return
    prefix = _escape_like(text.lower()) + "%"
    yield (
        Order.number.like(_escape_like(text.upper()) + "%", escape="\\")
        | func.lower(Order.email).like(prefix, escape="\\")
        | func.lower(Order.shipping_name).like(prefix, escape="\\")
    )


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
