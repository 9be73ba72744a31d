"""Order numbers read like SF-2026-8H3K9C2D, avoid letters people confuse, and never repeat: a clash is
retried with a fresh number."""

import re

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.checkout.services import ReviewLine, review
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import Order
from storefront.orders.numbers import CROCKFORD_ALPHABET, new_order_number
from tests.factories import make_product


def test_order_number_is_the_year_and_eight_crockford_characters():
    number = new_order_number()

    assert re.fullmatch(rf"SF-{utcnow().year}-[{CROCKFORD_ALPHABET}]{{8}}", number), number


def test_order_numbers_avoid_letters_that_are_misread():
    assert not set("ILOU") & set(CROCKFORD_ALPHABET)
    assert len(set(CROCKFORD_ALPHABET)) == 32


def test_order_numbers_do_not_repeat():
    numbers = {new_order_number() for _ in range(2000)}

    assert len(numbers) == 2000


def place(product):
    order = orders.place_order(review([ReviewLine(product, 1)]), "buyer@example.com")
    jobs.commit()
    return order


def numbers_in_turn(monkeypatch, *numbers):
    supply = iter(numbers)
    monkeypatch.setattr(orders, "new_order_number", lambda: next(supply))


def test_a_clashing_number_is_replaced_by_a_fresh_one(app, monkeypatch):
    product = make_product()
    numbers_in_turn(monkeypatch, "SF-2026-AAAAAAAA", "SF-2026-AAAAAAAA", "SF-2026-BBBBBBBB")
    first = place(product)

    second = place(product)

    assert (first.number, second.number) == ("SF-2026-AAAAAAAA", "SF-2026-BBBBBBBB")
    assert db.session.scalars(select(Order.number).order_by(Order.id)).all() == [first.number, second.number]
    assert [item.title for item in second.items] == [product.title]
    assert [event.message for event in second.events] == ["Order placed; waiting for payment."]


def test_checkout_gives_up_after_repeated_clashes_and_keeps_the_stock(app, monkeypatch):
    product = make_product(kind="physical", stock=2)
    numbers_in_turn(monkeypatch, *["SF-2026-AAAAAAAA"] * (1 + orders.NUMBER_ATTEMPTS))
    place(product)

    with pytest.raises(orders.CheckoutError, match="could not number your order"):
        place(product)
    jobs.rollback()

    assert db.session.scalars(select(Order.number)).all() == ["SF-2026-AAAAAAAA"]
    db.session.refresh(product)
    assert product.stock == 1
