"""After paying, the shopper lands on the order page, whose status fragment polls every 2 s until the payment
settles. Only the browser that placed the order, its owner or an admin may see it; everyone else gets 404."""

import pytest

from storefront import jobs
from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.status import OrderStatus
from tests.factories import make_user
from tests.functional.checkout.support import digital, page_text

HX_REQUEST = {"HX-Request": "true"}
STOP_POLLING = 286


def status_fragment(shopper, order):
    return shopper.client.get(f"/checkout/status/{order.number}", headers=HX_REQUEST)


def test_order_page_before_the_payment_is_confirmed_says_so_and_polls(shopper):
    order = shopper.place(digital())

    page = shopper.client.get(f"/checkout/complete/{order.number}")

    assert page.status_code == 200
    assert "Confirming your payment" in page_text(page)
    assert f'hx-get="/checkout/status/{order.number}" hx-trigger="every 2s"' in page_text(page)


def test_status_fragment_keeps_polling_while_the_payment_is_pending(shopper):
    order = shopper.place(digital())
    shopper.pay(order, "pay_slowly")

    response = status_fragment(shopper, order)

    assert response.status_code == 200
    assert "HX-Request" in response.vary
    assert "<html" not in page_text(response)
    assert 'hx-trigger="every 2s"' in page_text(response)
    assert "Confirming your payment" in page_text(response)


def pay(shopper, order):
    shopper.pay(order)


def bank_rejects(shopper, order):
    shopper.pay(order, "pay_slowly")
    shopper.gateway(order, "settle_failed")


def cancel(shopper, order):
    shopper.client.post(f"/checkout/cancel/{order.number}")


def expire(_shopper, order):
    orders.give_up(order, OrderStatus.EXPIRED, "Checkout window closed without payment.")
    jobs.commit()


@pytest.mark.parametrize(
    ("settle", "heading"),
    [
        (pay, "Payment received"),
        (bank_rejects, "Payment failed"),
        (cancel, "Order canceled"),
        (expire, "Checkout expired"),
    ],
)
def test_status_fragment_stops_polling_once_the_payment_settles(shopper, settle, heading):
    order = shopper.place(digital())
    settle(shopper, order)

    response = status_fragment(shopper, order)

    assert response.status_code == STOP_POLLING
    assert heading in page_text(response)
    assert "hx-trigger" not in page_text(response)
    assert "hx-get" not in page_text(response)


def test_status_url_opened_directly_renders_the_whole_page(shopper):
    order = shopper.place(digital())

    response = shopper.client.get(f"/checkout/status/{order.number}")

    assert "<html" in page_text(response)
    assert f"Order {order.number}" in page_text(response)


ORDER_PAGES = [
    ("get", "/checkout/complete/{number}"),
    ("get", "/checkout/status/{number}"),
    ("get", "/checkout/returned/{number}"),
    ("post", "/checkout/cancel/{number}"),
]


@pytest.mark.parametrize(("method", "url"), ORDER_PAGES)
def test_another_browser_cannot_see_or_cancel_the_order(shopper, new_shopper, method, url):
    order = shopper.place(digital())

    response = getattr(new_shopper().client, method)(url.format(number=order.number))

    assert response.status_code == 404
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING


@pytest.mark.parametrize(("method", "url"), ORDER_PAGES)
def test_an_unknown_order_number_is_not_found(shopper, method, url):
    shopper.place(digital())

    assert getattr(shopper.client, method)(url.format(number="SF-2026-00000000")).status_code == 404


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.ADMIN])
def test_another_customer_cannot_see_a_members_order_but_an_admin_can(shopper, new_shopper, role):
    owner = make_user("owner@example.com")
    shopper.log_in(owner)
    order = shopper.place(digital())
    visitor = new_shopper()
    visitor.log_in(make_user("visitor@example.com", role=role))

    response = visitor.client.get(f"/checkout/complete/{order.number}")

    assert response.status_code == (200 if role == Role.ADMIN else 404)


def test_owner_sees_their_order_from_another_browser(shopper, new_shopper):
    owner = make_user("owner@example.com")
    shopper.log_in(owner)
    order = shopper.place(digital())
    elsewhere = new_shopper()
    elsewhere.log_in(owner)

    response = elsewhere.client.get(f"/checkout/complete/{order.number}")

    assert response.status_code == 200
    assert f"Order {order.number}" in page_text(response)
