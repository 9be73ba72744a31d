"""A guest opens their order on another device with the number and email from the receipt."""

import re

import pytest

from tests.functional.checkout.support import GUEST_EMAIL, digital, emails_to, page_text

NO_MATCH = "No order matches that number and email."


def _paid_order(shopper):
    order = shopper.place(digital(title="Field Guide"))
    shopper.pay(order)
    return order


def test_the_receipt_links_to_the_lookup_with_the_number_filled_in(app, shopper, new_shopper):
    order = _paid_order(shopper)
    [receipt] = emails_to(GUEST_EMAIL)
    link = re.search(r"(\S+/orders/lookup\S*)", receipt.text_body).group(1)

    assert link == f"{app.config['BASE_URL']}/orders/lookup?number={order.number}"
    form = new_shopper().client.get(link.removeprefix(app.config["BASE_URL"]))
    assert f'value="{order.number}"' in page_text(form)


def test_guest_with_number_and_email_sees_the_order_from_another_browser(shopper, new_shopper):
    order = _paid_order(shopper)
    phone = new_shopper().client
    assert phone.get(f"/checkout/complete/{order.number}").status_code == 404

    found = phone.post("/orders/lookup", data={"number": f" {order.number.lower()} ", "email": "GUEST@example.com"})

    assert found.status_code == 303
    assert found.headers["Location"].endswith(f"/checkout/complete/{order.number}")
    page = phone.get(f"/checkout/complete/{order.number}")
    assert page.status_code == 200
    assert "Payment received" in page_text(page)


@pytest.mark.parametrize(
    "number, email",
    [("SF-2026-00000000", GUEST_EMAIL), (None, "someone@example.com"), (None, "not-an-email"), ("", GUEST_EMAIL)],
)
def test_a_wrong_number_or_email_shows_nothing_and_says_so(shopper, new_shopper, number, email):
    order = _paid_order(shopper)
    stranger = new_shopper().client

    refused = stranger.post(
        "/orders/lookup", data={"number": order.number if number is None else number, "email": email}
    )

    assert refused.status_code == 422
    assert stranger.get(f"/checkout/complete/{order.number}").status_code == 404
    if email == "someone@example.com":
        assert NO_MATCH in page_text(refused)
