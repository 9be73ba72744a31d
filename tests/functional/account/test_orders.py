"""A logged-in shopper sees every order of theirs, newest first, with its items, total, status and parcel
tracking, each linking to its order page; nobody else's order ever shows."""

import re

import pytest

from storefront import jobs
from storefront.account import library
from storefront.accounts.models import Role
from storefront.fulfilment.services import ship
from tests.factories import make_user
from tests.functional.account.support import LIBRARY, ORDERS, guest_order, page_text, paid_order
from tests.functional.checkout.support import digital, physical


def order_numbers_on(response):
    return re.findall(r"Order (SF-\d{4}-[0-9A-Z]+)</a>", page_text(response))


def test_my_orders_lists_only_my_orders_newest_first(app, ada, bob):
    user, shopper = ada
    older = paid_order(shopper, digital(title="Harbour Birds", price_cents=1500), email=user.email)
    newer = shopper.place(physical(title="Tide Mug", price_cents=1200), email=user.email)  # not paid yet
    bobs = paid_order(bob[1], digital(title="Coast Atlas"), email=bob[0].email)
    strangers = guest_order(app, digital(title="Gull Poster"), email="stranger@example.com")

    response = shopper.client.get(ORDERS)

    text = page_text(response)
    assert response.status_code == 200
    assert order_numbers_on(response) == [newer.number, older.number]
    assert "1 × Harbour Birds" in text and "1 × Tide Mug" in text
    assert "Total $15.00" in text
    assert "Paid" in text and "Awaiting payment" in text
    assert f'href="/checkout/complete/{older.number}"' in text
    for other in (bobs, strangers):
        assert other.number not in text
    assert "Coast Atlas" not in text and "Gull Poster" not in text


def test_a_shipped_order_shows_its_tracking_link(app, ada):
    user, shopper = ada
    order = paid_order(shopper, physical(title="Tide Mug"), email=user.email)
    staff = make_user("staff@example.com", role=Role.ADMIN)
    ship(order, {order.items[0].id: 1}, "Royal Mail", "RM123456", "https://track.example/RM123456", staff)
    jobs.commit()

    text = page_text(shopper.client.get(ORDERS))

    assert '<a href="https://track.example/RM123456" rel="noopener noreferrer">Track parcel RM123456</a>' in text
    assert "with Royal Mail" in text


def test_my_orders_come_in_pages(app, ada, monkeypatch):
    monkeypatch.setattr(library, "ORDERS_PAGE_SIZE", 2)
    user, shopper = ada
    first, second, third = (shopper.place(digital(), email=user.email) for _ in range(3))

    page_one = shopper.client.get(ORDERS)
    page_two = shopper.client.get(f"{ORDERS}?page=2")

    assert order_numbers_on(page_one) == [third.number, second.number]
    assert 'href="/account/orders?page=2" rel="next"' in page_text(page_one)
    assert order_numbers_on(page_two) == [first.number]
    assert order_numbers_on(shopper.client.get(f"{ORDERS}?page=abc")) == [third.number, second.number]


def test_a_shopper_with_no_orders_is_pointed_to_the_shop(ada):
    text = page_text(ada[1].client.get(ORDERS))

    assert "No orders yet." in text
    assert 'href="/"' in text


@pytest.mark.parametrize("page", ["99999999999999999999", "9" * 40, "-1", "%D9%A3", "abc", "0"])
@pytest.mark.parametrize("url", [ORDERS, LIBRARY])
def test_an_impossible_page_number_shows_the_first_page(ada, url, page):
    user, shopper = ada
    order = shopper.place(digital(), email=user.email)

    response = shopper.client.get(f"{url}?page={page}")

    assert response.status_code == 200
    if url == ORDERS:
        assert order.number in page_text(response)
