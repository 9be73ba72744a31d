"""Helpers for the admin orders table tests: an admin's browser, and orders in bulk.

Orders in bulk are inserted directly (`insert(Order)` with many rows), not placed through checkout: these tests need
hundreds to 100 000 orders whose columns they choose, and the table only reads columns. The tests that need a real
order place one through the shop's pages."""

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import insert

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.orders.models import Order, PaymentEvent, PaymentEventKind
from tests.factories import make_user

ADMIN_EMAIL = "boss@example.com"
HTMX = {"HX-Request": "true"}
START = datetime(2026, 3, 1, 9, 0)
_numbers = count(1)


def logged_in_admin(client, auth):
    """`client`, logged in as an admin (the test modules' `admin` fixture)."""
    make_user(ADMIN_EMAIL, role=Role.ADMIN)
    auth.login(ADMIN_EMAIL)
    return client


def order_row(placed=START, **columns):
    """The columns of one paid digital order of $10.00 placed at `placed`, with `columns` changed."""
    number = next(_numbers)
    row = {
        "number": f"SF-2026-T{number:07d}",
        "email": f"buyer{number}@example.com",
        "status": "paid",
        "currency": "USD",
        "subtotal_cents": 1000,
        "total_cents": 1000,
        "gateway": "dummy",
        "kind": "digital",
        "requires_shipping": False,
        "shipping_name": None,
        "needs_attention": False,
        "expires_at": placed + timedelta(hours=1),
        "created_at": placed,
    }
    return {**row, **columns}


def insert_orders(rows):
    """Bulk-insert order rows (all with the same keys); returns their numbers in the order given."""
    db.session.execute(insert(Order), rows)
    db.session.commit()
    return [row["number"] for row in rows]


def orders_placed(how_many, start=START, step=timedelta(minutes=1), **columns):
    """`how_many` orders placed `step` apart from `start` (oldest first); returns their numbers."""
    return insert_orders([order_row(start + n * step, **columns) for n in range(how_many)])


def record_refund(number, cents=500):
    """A refund the gateway confirmed, recorded as the payment event the refunds code writes."""
    order_id = db.session.scalar(db.select(Order.id).where(Order.number == number))
    event = PaymentEvent(
        order_id=order_id,
        kind=PaymentEventKind.REFUND_SUCCEEDED.value,
        amount_cents=cents,
        currency="USD",
        provider="dummy",
        provider_object_id=f"re_{number}",
    )
    db.session.add(event)
    db.session.commit()
