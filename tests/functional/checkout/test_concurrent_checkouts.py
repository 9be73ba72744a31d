"""The last few items never oversell: shoppers checking out at the same moment each either get a pending order
holding stock or a clear "sold out" answer, on SQLite and on Postgres alike."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from tests.functional.checkout.support import page_text, physical, stock_of

SHOPPERS = 8
STOCK = 3
CONFLICT = 409


def test_concurrent_checkouts_for_the_last_items_never_oversell(app, new_shopper, monkeypatch):
    mug = physical(title="Last Mugs", stock=STOCK)
    shoppers = [new_shopper() for _ in range(SHOPPERS)]
    for shopper in shoppers:
        assert shopper.add(mug).status_code == 303
    # Everyone passes the review (which saw 3 in stock) before anyone reserves, so all race to take the stock.
    everyone_reviewed = threading.Barrier(SHOPPERS, timeout=30)
    place_order = orders.place_order

    def place_order_together(*args, **kwargs):
        everyone_reviewed.wait()
        return place_order(*args, **kwargs)

    monkeypatch.setattr(orders, "place_order", place_order_together)

    with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
        responses = list(pool.map(lambda shopper: shopper.check_out(), shoppers))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [303] * STOCK + [CONFLICT] * (SHOPPERS - STOCK), statuses
    for refused in (r for r in responses if r.status_code == CONFLICT):
        assert "just sold out" in page_text(refused)
    placed = db.session.scalars(select(Order)).all()
    assert [order.status for order in placed] == [OrderStatus.PENDING] * STOCK
    assert all(order.holds_stock for order in placed)
    assert stock_of(mug) == 0
