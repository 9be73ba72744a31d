"""Helpers for backup tests: paid orders with files, the rows a restore must bring back, and the CLI."""

from flask import has_app_context
from sqlalchemy import select

from storefront.downloads.models import DownloadEntitlement, DownloadLog
from storefront.extensions import db
from storefront.orders.models import Order, OrderItem, PaymentEvent
from tests.functional.checkout.support import Shopper, physical
from tests.functional.downloads.support import GUIDE_PDF, download_url, ebook, entitlements_of

COMPARED = (Order, OrderItem, PaymentEvent, DownloadEntitlement, DownloadLog)


def make_paid_orders(app, shopper):
    """Two paid orders: a guest's ebook and print (one download already made), and another guest's ebook."""
    book = ebook(files=(("harbour-birds.pdf", GUIDE_PDF, "application/pdf"),))
    first = shopper.place(book, physical(title="Harbour Print"), email="ada@example.com")
    shopper.pay(first)
    assert shopper.client.get(download_url(entitlements_of(first)[0])).status_code in {200, 302}
    other = Shopper(app.test_client())
    second = other.place(ebook(title="Estuary Maps"), email="grace@example.com")
    other.pay(second)
    return [first, second]


def rows(engine):
    """Every row of the tables a restore must bring back, by table, in id order."""
    with engine.connect() as connection:
        return {
            model.__tablename__: [tuple(row) for row in connection.execute(select(model.__table__).order_by("id"))]
            for model in COMPARED
        }


def backup(app, *args):
    """Run `flask backup ARGS...` against `app`; returns click's result."""
    if has_app_context():
        db.session.remove()  # the test's own session must not hold locks while a restore replaces tables
    # The command runs in the app context it finds, so push `app`'s own over the test's.
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", *map(str, args)])
