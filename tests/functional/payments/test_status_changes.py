"""Status changes go through `set_status`: the pipeline's table decides, the timeline records, and a decision
taken on a stale copy of the order is refused rather than written over what happened meanwhile."""

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import Order, OrderEvent
from storefront.orders.status import InvalidOrderStatus, OrderStatus
from tests import stripe_fake
from tests.functional.payments.support import physical_product, place_stripe_order, reload, status_changes, stock_of


@pytest.fixture
def product(stripe_app):
    return physical_product(stock=5)


@pytest.fixture
def order(product):
    return place_stripe_order((product, 2))


def test_a_status_change_is_written_to_the_timeline(order):
    orders.set_status(orders.lock_order(order.id), OrderStatus.CANCELED, "Canceled by the shopper.")
    jobs.commit()

    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)).all()[
        -1
    ]
    assert (event.from_status, event.to_status, event.message) == ("pending", "canceled", "Canceled by the shopper.")


def test_an_illegal_status_change_raises_and_changes_nothing(order, product):
    with pytest.raises(InvalidOrderStatus):
        orders.set_status(orders.lock_order(order.id), OrderStatus.REFUNDED, "Refunded.")
    jobs.rollback()

    assert reload(order).status == OrderStatus.PENDING
    assert status_changes(order) == []
    assert stock_of(product) == 3


def test_giving_up_on_an_order_that_is_no_longer_pending_does_nothing(webhook, order, product):
    webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order)))

    assert orders.give_up(reload(order), OrderStatus.EXPIRED, "Checkout window closed.") is False
    jobs.commit()
    assert reload(order).status == OrderStatus.PAID
    assert stock_of(product) == 3


def test_a_decision_taken_on_a_stale_copy_of_the_order_is_refused(webhook, order, product):
    stale = db.session.get(Order, order.id)
    assert stale.status == OrderStatus.PENDING
    # Meanwhile the payment lands, in another request.
    webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order)))

    with pytest.raises(InvalidOrderStatus, match="no longer pending"):
        orders.give_up(stale, OrderStatus.CANCELED, "Canceled by the shopper.")
    jobs.rollback()

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert order.holds_stock
    assert stock_of(product) == 3


def test_paying_an_expired_order_takes_its_stock_again(order, product):
    orders.set_status(orders.lock_order(order.id), OrderStatus.EXPIRED, "Checkout window closed.")
    jobs.commit()
    assert stock_of(product) == 5

    orders.mark_paid(orders.lock_order(order.id), "Payment received.")
    jobs.commit()

    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert order.holds_stock
    assert stock_of(product) == 3
