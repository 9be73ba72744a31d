"""Reading customers for the back office: one row per account with its lifetime value, paid orders and last order.

Every figure is computed in SQL by grouped subqueries joined to the accounts, so a page costs the same few statements
however many rows or orders it covers. A paid order is one whose money arrived (`paid_at` is set); lifetime value is
what the account's orders were charged, less what was refunded, plus refunds the provider reversed (the same sums as
`Order.amount_paid_cents` minus `Order.amount_refunded_cents`)."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.orders.models import Order, PaymentEvent, PaymentEventKind

PAGE_SIZE = 50
HISTORY_LIMIT = 100
SORTS = ("newest", "value", "last_order")


@dataclass
class CustomerRow:
    """An account and its figures. `value_cents` is in the store's currency; `other_values` holds
    (currency, cents) for any orders paid in another one."""

    user: User
    value_cents: int
    order_count: int
    last_order_at: datetime | None
    other_values: list = field(default_factory=list)


@dataclass
class CustomerPage:
    rows: list
    page: int
    has_next: bool
    total: int


def _net_paid_by_currency():
    """(user_id, currency, net_cents) over every payment event of the account's orders."""
    signed = case(
        (PaymentEvent.kind == PaymentEventKind.CHARGE_SUCCEEDED.value, PaymentEvent.amount_cents),
        (PaymentEvent.kind == PaymentEventKind.REFUND_SUCCEEDED.value, -PaymentEvent.amount_cents),
        (PaymentEvent.kind == PaymentEventKind.REFUND_REVERSED.value, PaymentEvent.amount_cents),
        else_=0,
    )
    return (
        select(Order.user_id, PaymentEvent.currency, func.sum(signed).label("net_cents"))
        .join(Order, Order.id == PaymentEvent.order_id)
        .where(Order.user_id.is_not(None))
        .group_by(Order.user_id, PaymentEvent.currency)
    )


def _paid_orders():
    """(user_id, order_count, last_order_at) over the account's paid orders."""
    return (
        select(
            Order.user_id,
            func.count(Order.id).label("order_count"),
            func.max(Order.created_at).label("last_order_at"),
        )
        .where(Order.user_id.is_not(None), Order.paid_at.is_not(None))
        .group_by(Order.user_id)
    )


def _customers_statement(currency):
    """Accounts with their store-currency value, paid order count and last paid order, ready to filter and sort."""
    net = _net_paid_by_currency().subquery()
    value = select(net.c.user_id, net.c.net_cents).where(net.c.currency == currency).subquery()
    orders = _paid_orders().subquery()
    columns = (
        func.coalesce(value.c.net_cents, 0).label("value_cents"),
        func.coalesce(orders.c.order_count, 0).label("order_count"),
        orders.c.last_order_at.label("last_order_at"),
    )
    return (
        select(User, *columns)
        .outerjoin(value, value.c.user_id == User.id)
        .outerjoin(orders, orders.c.user_id == User.id)
    )


def _sorted(statement, sort):
    """Newest accounts first, highest value first or latest order first; ties (and no orders) by newest account."""
    keys = {
        "newest": (),
        "value": (statement.selected_columns.value_cents.desc(),),
        "last_order": (statement.selected_columns.last_order_at.desc().nulls_last(),),
    }[sort]
    return statement.order_by(*keys, User.created_at.desc(), User.id.desc())


def _search(statement, text):
    """Keep accounts whose email contains `text` (a prefix is a special case); `%` and `_` match themselves."""
    if not text:
        return statement
    return statement.where(User.email.contains(text.lower(), autoescape=True))


def store_currency():
    return current_app.config["STORE_CURRENCY"]


def customer_page(search="", sort="newest", page=1, per_page=None):
    """One page of customers matching `search`, in `sort` order (one of SORTS). Three statements whatever the page."""
    per_page = per_page or PAGE_SIZE
    currency = store_currency()
    statement = _search(_customers_statement(currency), search)
    total = db.session.scalar(select(func.count()).select_from(_search(select(User.id), search).subquery()))
    found = db.session.execute(_sorted(statement, sort).limit(per_page + 1).offset((page - 1) * per_page)).all()
    rows = [CustomerRow(*found_row) for found_row in found[:per_page]]
    _add_other_currencies(rows, currency)
    return CustomerPage(rows=rows, page=page, has_next=len(found) > per_page, total=total)


def _add_other_currencies(rows, currency):
    """Fill in what each row's account paid in currencies other than the store's, in one statement."""
    by_id = {row.user.id: row for row in rows}
    if not by_id:
        return
    net = _net_paid_by_currency().where(Order.user_id.in_(list(by_id)), PaymentEvent.currency != currency)
    for user_id, other_currency, cents in db.session.execute(net.order_by(PaymentEvent.currency)):
        by_id[user_id].other_values.append((other_currency, cents))


def customer_summary(user_id):
    """The CustomerRow for one account, or None when there is no such account."""
    currency = store_currency()
    found = db.session.execute(_customers_statement(currency).where(User.id == user_id)).first()
    if found is None:
        return None
    row = CustomerRow(*found)
    _add_other_currencies([row], currency)
    return row


def order_history(user_id, limit=HISTORY_LIMIT):
    """The account's latest `limit` orders of any status, newest first, and how many it has in all."""
    statement = select(Order).where(Order.user_id == user_id)
    orders = db.session.scalars(statement.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)).all()
    total = db.session.scalar(select(func.count(Order.id)).where(Order.user_id == user_id))
    return orders, total
