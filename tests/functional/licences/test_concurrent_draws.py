"""Two orders drawing from one pool at the same moment get different keys. On Postgres each transaction locks the
key it takes with SKIP LOCKED, so the second one takes the next key without waiting for the first to commit; on
any database the claim is a conditional UPDATE, so a key already taken is never handed out again."""

import threading

import pytest

from storefront.extensions import db
from storefront.licences.models import LicenceKey
from storefront.licences.services import draw_from_pool
from tests.functional.checkout.support import Shopper
from tests.functional.licences.support import buy, keys_of, licensed

POOL = ["P-1", "P-2", "P-3"]


@pytest.fixture
def two_unserved_items(shopper, app):
    """Two paid orders whose units are still waiting (the pool was empty when they were paid), then a pool of 3."""
    product = licensed("pool")
    first = buy(shopper, product)
    second = buy(Shopper(app.test_client()), product, email="second@example.com")
    db.session.add_all(LicenceKey(product_id=product.id, key=key, source="pool") for key in POOL)
    db.session.commit()
    return product.id, [first.items[0].id, second.items[0].id], (first, second)


def test_a_key_already_claimed_is_never_drawn_again(two_unserved_items):
    product_id, (first_item, second_item), orders = two_unserved_items

    assert draw_from_pool(product_id, first_item, 1)
    assert draw_from_pool(product_id, second_item, 1)
    db.session.commit()

    assert [k.key for k in keys_of(orders[0])] == ["P-1"]
    assert [k.key for k in keys_of(orders[1])] == ["P-2"]


def test_concurrent_draws_on_postgres_take_different_keys_without_waiting(app, two_unserved_items):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no concurrent draw to race")
    product_id, items, orders = two_unserved_items
    both_drawn = threading.Barrier(2, timeout=10)
    outcomes = {}

    def draw(order_item_id):
        with app.app_context():
            outcomes[order_item_id] = draw_from_pool(product_id, order_item_id, 1)
            # Hold the row lock until the other transaction has drawn too: it must skip this key, not wait for it.
            both_drawn.wait()
            db.session.commit()

    threads = [threading.Thread(target=draw, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {items[0]: True, items[1]: True}, "neither draw blocked on the other's lock"
    first, second = keys_of(orders[0]), keys_of(orders[1])
    assert len(first) == len(second) == 1 and first[0].key != second[0].key
    assert {first[0].key, second[0].key} <= set(POOL)
