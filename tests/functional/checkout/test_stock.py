"""Stock is held for a pending order and given back, exactly once, when the order ends unpaid: the shopper
cancels, the checkout window closes (the periodic job or `flask orders expire`), or the bank rejects the payment."""

from datetime import timedelta

from storefront import jobs
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import expire_overdue_orders
from storefront.orders.status import OrderStatus
from storefront.payments import dummy
from storefront.payments.gateways import DummyGateway
from storefront.payments.webhooks import handle_event
from tests.functional.checkout.support import (
    ADDRESS,
    digital,
    order_paid_on,
    page_text,
    physical,
    stock_of,
    titles_in_cart,
)


def test_placing_an_order_holds_its_physical_items_only(shopper):
    mug, ebook = physical(title="Mug", stock=5), digital(title="E-book")
    shopper.add(mug, quantity=2)
    shopper.add(ebook)

    order = shopper.place()

    assert order.holds_stock
    assert stock_of(mug) == 3
    assert stock_of(ebook) is None


def test_shopper_who_leaves_the_gateway_can_cancel_and_keeps_the_cart(shopper):
    mug = physical(title="Mug", stock=5)
    order = shopper.place(mug)

    returned = shopper.client.get(f"/checkout/returned/{order.number}")
    canceled = shopper.client.post(f"/checkout/cancel/{order.number}")

    assert "Cancel this order and return to the cart" in page_text(returned)
    assert (canceled.status_code, canceled.headers["Location"]) == (303, "/cart/")
    db.session.refresh(order)
    assert (order.status, order.holds_stock) == (OrderStatus.CANCELED, False)
    assert stock_of(mug) == 5
    assert titles_in_cart(order.cart_id) == ["Mug"]
    assert f"Order {order.number} was canceled" in page_text(shopper.client.get("/cart/"))


def test_canceling_twice_gives_the_stock_back_once(shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)

    shopper.client.post(f"/checkout/cancel/{order.number}")
    shopper.client.post(f"/checkout/cancel/{order.number}")

    assert stock_of(mug) == 5


def test_a_paid_order_cannot_be_canceled_and_its_page_is_shown_instead(shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)
    shopper.pay(order)

    response = shopper.client.post(f"/checkout/cancel/{order.number}")

    assert response.headers["Location"] == f"/checkout/complete/{order.number}"
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert stock_of(mug) == 4
    assert "Payment received" in page_text(shopper.client.get(f"/checkout/returned/{order.number}"))


def overdue(*orders):
    for order in orders:
        order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def deliver_late_payment(order):
    """The provider reports the payment after we stopped waiting, as a late webhook would."""
    handle_event(dummy.session_event("checkout.session.completed", order, "paid"), "dummy")
    jobs.commit()
    db.session.refresh(order)


def test_overdue_orders_expire_and_release_their_stock(shopper, new_shopper):
    mug = physical(stock=5)
    late, in_time, paid = shopper.place(mug), new_shopper().place(mug), new_shopper().place(mug)
    overdue(late, paid)
    new_shopper().pay(paid)
    assert stock_of(mug) == 2

    expired = expire_overdue_orders(utcnow())
    jobs.commit()

    assert expired == 1
    for order in (late, in_time, paid):
        db.session.refresh(order)
    assert [late.status, in_time.status, paid.status] == [OrderStatus.EXPIRED, OrderStatus.PENDING, OrderStatus.PAID]
    assert stock_of(mug) == 3
    assert expire_overdue_orders(utcnow()) == 0
    assert "Checkout expired" in page_text(shopper.client.get(f"/checkout/complete/{late.number}"))


def test_a_slow_payment_still_confirming_is_not_expired(shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)
    shopper.pay(order, "pay_slowly")
    overdue(order)

    assert expire_overdue_orders(utcnow()) == 0
    jobs.commit()

    db.session.refresh(order)
    assert (order.status, order.holds_stock) == (OrderStatus.PENDING, True)
    assert stock_of(mug) == 4
    shopper.gateway(order, "settle_succeeded")
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID


def test_operator_expires_overdue_orders_from_the_command_line(app, shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)
    overdue(order)

    result = app.test_cli_runner().invoke(args=["orders", "expire"])

    assert result.exit_code == 0, result.output
    assert "1 order(s) expired." in result.output
    db.session.refresh(order)
    assert order.status == OrderStatus.EXPIRED
    assert stock_of(mug) == 5


def test_an_order_paid_after_it_expired_takes_its_stock_again(shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)
    overdue(order)
    expire_overdue_orders(utcnow())
    jobs.commit()
    assert stock_of(mug) == 5

    deliver_late_payment(order)

    assert (order.status, order.holds_stock) == (OrderStatus.PAID, True)
    assert stock_of(mug) == 4


def test_an_order_paid_after_its_stock_sold_out_is_flagged_for_a_person(shopper):
    mug = physical(stock=1)
    order = shopper.place(mug)
    overdue(order)
    expire_overdue_orders(utcnow())
    jobs.commit()
    mug.stock = 0
    db.session.commit()

    deliver_late_payment(order)

    assert (order.status, order.holds_stock) == (OrderStatus.PAID, False)
    assert stock_of(mug) == 0
    assert order.needs_attention
    assert "stock ran out" in order.attention_reason
    page = shopper.client.get(f"/checkout/complete/{order.number}").get_data(as_text=True)
    assert "A person from our team will contact you" in page


def test_a_payment_confirmed_while_the_shopper_cancels_keeps_the_order_paid(app, shopper, monkeypatch):
    mug = physical(stock=5)
    order = shopper.place(mug)
    order_id = order.id

    def payment_lands_meanwhile(_gateway, _session_id):
        with app.app_context():  # the webhook's own request and database session
            deliver_late_payment(db.session.get(Order, order_id))
        return True

    monkeypatch.setattr(DummyGateway, "expire_session", payment_lands_meanwhile)
    response = shopper.client.post(f"/checkout/cancel/{order.number}")

    assert response.headers["Location"] == f"/checkout/complete/{order.number}"
    db.session.refresh(order)
    assert (order.status, order.holds_stock) == (OrderStatus.PAID, True)
    assert stock_of(mug) == 4


def test_a_slow_dummy_payment_confirming_cannot_be_canceled(shopper):
    mug = physical(stock=5)
    order = shopper.place(mug)
    shopper.pay(order, action="pay_slowly")  # the shopper completed the checkout; the bank has not answered yet

    response = shopper.client.post(f"/checkout/cancel/{order.number}")

    assert response.headers["Location"] == f"/checkout/complete/{order.number}"
    db.session.refresh(order)
    assert (order.status, order.holds_stock) == (OrderStatus.PENDING, True)
    assert stock_of(mug) == 4


def test_paying_twice_from_one_cart_on_the_dummy_gateway_holds_the_stock_once(shopper):
    mug = physical(stock=5)
    first = shopper.place(mug)
    second = order_paid_on(shopper.check_out())

    db.session.refresh(first)
    assert first.status == OrderStatus.CANCELED and second.status == OrderStatus.PENDING
    assert stock_of(mug) == 4
    # The first tab's payment page no longer takes a payment: it shows the ended order.
    response = shopper.gateway(first, "pay", **ADDRESS)
    assert response.headers["Location"] == f"/checkout/complete/{first.number}"
    db.session.refresh(first)
    assert first.status == OrderStatus.CANCELED and first.amount_paid_cents == 0
