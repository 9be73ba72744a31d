"""The "Resume payment" button with Stripe: back to the same Checkout Session while Stripe keeps it open."""

from html import unescape

from tests.factories import make_product
from tests.functional.payments.support import place_stripe_order

UNAVAILABLE = "The payment provider is not available right now. Please try again shortly."


def placed_at_stripe(client, fake_checkout):
    """A pending order this browser placed, handed to the fake Stripe: (order, its session)."""
    client.post("/cart/add", data={"product_id": make_product(price_cents=1500).id, "quantity": 1})
    assert client.post("/checkout/", data={"source": "cart", "email": "buyer@example.com"}).status_code == 303
    [session] = fake_checkout.sessions.values()
    return session


def test_resume_payment_returns_to_the_open_stripe_session(stripe_app, client, fake_checkout):
    session = placed_at_stripe(client, fake_checkout)
    number = session["metadata"]["order_number"]

    response = client.get(f"/checkout/resume/{number}")

    assert response.status_code == 303
    assert response.location == session["url"]
    assert len(fake_checkout.created) == 1, "the same session, not a new one"


def test_resume_payment_of_a_completed_session_shows_the_order(stripe_app, client, fake_checkout):
    session = placed_at_stripe(client, fake_checkout)
    number = session["metadata"]["order_number"]
    fake_checkout.complete_session(session["id"], payment_status="unpaid")

    response = client.get(f"/checkout/resume/{number}")

    assert response.location == f"/checkout/complete/{number}"


def test_resume_payment_while_stripe_is_down_says_so(stripe_app, client, fake_checkout):
    session = placed_at_stripe(client, fake_checkout)
    number = session["metadata"]["order_number"]
    fake_checkout.fail_with = 500

    response = client.get(f"/checkout/resume/{number}", follow_redirects=True)

    assert response.request.path == f"/checkout/returned/{number}"
    assert UNAVAILABLE in unescape(response.get_data(as_text=True))


def test_an_order_without_a_known_session_has_nothing_to_resume(stripe_app, fake_checkout):
    from storefront.payments.gateways import open_payment_page

    order = place_stripe_order((make_product(), 1))

    assert open_payment_page(order) is None
