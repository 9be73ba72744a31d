"""A shopper who leaves the payment page without paying can go back to it, keep shopping or cancel; the dummy
gateway's "Test mode" hint is shown only while the payment is pending."""

import re

from storefront.orders.status import OrderStatus
from tests.functional.checkout.support import digital, order_count, page_text

HX_REQUEST = {"HX-Request": "true"}
TEST_MODE = "Test mode: "


def links(response):
    """{link text: href} of every link in the page."""
    return {
        re.sub(r"\s+", " ", text).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page_text(response), re.S)
    }


def test_the_page_after_leaving_the_gateway_offers_resume_keep_shopping_and_cancel(shopper):
    order = shopper.place(digital())

    page = shopper.client.get(f"/checkout/returned/{order.number}")

    offered = links(page)
    assert offered["Resume payment"] == f"/checkout/resume/{order.number}"
    assert offered["Keep shopping"] == "/"
    assert "Cancel this order and return to the cart" in page_text(page)


def test_resume_payment_goes_back_to_the_same_checkout(shopper):
    order = shopper.place(digital())

    response = shopper.client.get(f"/checkout/resume/{order.number}")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/payments/dummy/{order.gateway_session_id}"
    assert order_count() == 1, "no second order or session is started"
    assert shopper.pay(order).status_code == 303
    assert order.status == OrderStatus.PAID


def test_resume_payment_once_paid_shows_the_order_instead(shopper):
    order = shopper.place(digital())
    shopper.pay(order, "pay_slowly")

    response = shopper.client.get(f"/checkout/resume/{order.number}")

    assert response.headers["Location"] == f"/checkout/complete/{order.number}"


def test_a_settled_order_offers_no_resume(shopper):
    order = shopper.place(digital())
    shopper.client.post(f"/checkout/cancel/{order.number}")

    page = shopper.client.get(f"/checkout/returned/{order.number}")
    resumed = shopper.client.get(f"/checkout/resume/{order.number}")

    assert "Resume payment" not in page_text(page)
    assert resumed.headers["Location"] == f"/checkout/complete/{order.number}"


def test_another_browser_cannot_resume_the_payment(shopper, new_shopper):
    order = shopper.place(digital())

    assert new_shopper().client.get(f"/checkout/resume/{order.number}").status_code == 404


def test_the_test_mode_hint_is_part_of_the_pending_status_and_leaves_with_it(shopper):
    order = shopper.place(digital())
    shopper.pay(order, "pay_slowly")
    status_url = f"/checkout/status/{order.number}"

    pending = shopper.client.get(status_url, headers=HX_REQUEST)
    shopper.gateway(order, "settle_succeeded")
    settled = shopper.client.get(status_url, headers=HX_REQUEST)
    page = shopper.client.get(f"/checkout/complete/{order.number}")

    assert TEST_MODE in page_text(pending), "the polled fragment carries the hint while the payment is pending"
    assert f"/payments/dummy/{order.gateway_session_id}" in page_text(pending)
    assert "Payment received" in page_text(settled)
    assert TEST_MODE not in page_text(settled), "the swap that says the payment settled takes the hint away"
    assert TEST_MODE not in page_text(page)
