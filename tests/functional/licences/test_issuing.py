"""Keys are issued when an order is paid, one per purchased unit: generated (random, readable, unique) or drawn
from the product's pool, never the same pool key twice. A pool that runs dry leaves the units pending (the order is
paid all the same) until an admin refills it. Keys show on the order page and in the receipt."""

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.licences import pool
from storefront.licences.keys import GENERATED_SHAPE, generate_key
from storefront.licences.models import LicenceKey
from storefront.licences.services import issue_licences
from storefront.orders.status import OrderStatus
from tests.functional.checkout.support import Shopper, emails_to, page_text
from tests.functional.downloads.support import ebook
from tests.functional.licences.support import buy, keys_of, licensed, order_page, refill, shop_admin

POOL = ["AAAA-1111", "BBBB-2222", "CCCC-3333", "DDDD-4444"]


def test_a_paid_order_gets_one_generated_key_per_unit(shopper):
    product = licensed("generated", title="Sound Forge")

    order = buy(shopper, product, quantity=3)

    keys = [key.key for key in keys_of(order)]
    assert order.status == OrderStatus.PAID
    assert len(keys) == 3 and len(set(keys)) == 3
    assert all(GENERATED_SHAPE.fullmatch(key) for key in keys)
    page = page_text(order_page(shopper.client, order))
    assert "Your licence keys" in page and all(key in page for key in keys)
    receipt = emails_to("guest@example.com")[0]
    assert all(key in receipt.text_body and key in receipt.html_body for key in keys)


def test_generated_keys_are_readable_groups_and_never_repeat():
    keys = [generate_key() for _ in range(5000)]

    assert all(GENERATED_SHAPE.fullmatch(key) for key in keys)
    assert all(len(key) == 23 and key.count("-") == 3 for key in keys)
    assert len(set(keys)) == len(keys)
    assert not set("01IO").intersection("".join(keys)), "no look-alike characters"


def test_products_without_a_policy_issue_no_keys(shopper):
    product = licensed("none")

    order = buy(shopper, product)

    assert keys_of(order) == []
    assert "licence" not in page_text(order_page(shopper.client, order)).lower()


def test_two_orders_drawing_from_one_pool_never_get_the_same_key(app, shopper):
    product = licensed("pool", keys=POOL)
    other = Shopper(app.test_client())

    first = buy(shopper, product, quantity=2)
    second = buy(other, product, quantity=2, email="other@example.com")

    first_keys, second_keys = {k.key for k in keys_of(first)}, {k.key for k in keys_of(second)}
    assert len(first_keys) == 2 and len(second_keys) == 2
    assert first_keys | second_keys == set(POOL), "four units, four different keys"
    left = db.session.scalar(select(func.count()).where(LicenceKey.order_item_id.is_(None)))
    assert left == 0


def test_an_empty_pool_keeps_the_order_paid_with_keys_pending_until_the_pool_is_refilled(shopper):
    product = licensed("pool", keys=["ONLY-ONE"], title="Plugin Pack")

    order = buy(shopper, product, quantity=3)

    assert order.status == OrderStatus.PAID
    assert [key.key for key in keys_of(order)] == ["ONLY-ONE"]
    page = page_text(order_page(shopper.client, order))
    assert page.count("Key pending") == 2
    assert "2 keys pending" in emails_to("guest@example.com")[0].text_body

    added, issued = refill(product, ["NEW-1", "NEW-2", "NEW-3"])

    assert (added, issued) == (3, 2)
    assert [key.key for key in keys_of(order)] == ["ONLY-ONE", "NEW-1", "NEW-2"]
    page = page_text(order_page(shopper.client, order))
    assert "Key pending" not in page and "NEW-2" in page
    ready = [m for m in emails_to("guest@example.com") if "licence keys" in m.subject]
    assert len(ready) == 1 and "NEW-1" in ready[0].text_body and "NEW-2" in ready[0].html_body


def test_refilling_twice_issues_nothing_more_to_an_order_already_served(shopper):
    product = licensed("pool", title="Font Family")
    order = buy(shopper, product, quantity=1)
    refill(product, ["FIRST"])

    added, issued = refill(product, ["SECOND"])

    assert (added, issued) == (1, 0)
    assert [key.key for key in keys_of(order)] == ["FIRST"]


def test_a_paid_order_seen_again_issues_no_second_set_of_keys(shopper):
    product = licensed("generated")
    order = buy(shopper, product, quantity=2)
    before = [key.key for key in keys_of(order)]

    issue_licences(order)
    db.session.commit()

    assert [key.key for key in keys_of(order)] == before


@pytest.mark.parametrize("quantity", [51])
def test_seats_of_a_licensed_download_are_capped(shopper, quantity):
    product = licensed("generated")

    response = shopper.add(product, quantity)

    assert response.status_code == 422
    assert "Only 50 of" in page_text(response)


def test_the_downloads_email_lists_the_keys_beside_the_files(shopper):
    product = ebook("Field Guide")
    pool.set_policy(product, "generated", shop_admin())
    db.session.commit()

    order = buy(shopper, product, quantity=2)

    [ready] = [m for m in emails_to("guest@example.com") if "downloads" in m.subject]
    assert all(key.key in ready.text_body and key.key in ready.html_body for key in keys_of(order))
