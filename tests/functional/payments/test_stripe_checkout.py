"""Handing the shopper over to Stripe Checkout: the session we ask for, and what happens when Stripe is down."""

import time
from datetime import UTC
from html import unescape

import pytest
from sqlalchemy import select

from storefront.cart.models import CartItem
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments.gateways import PaymentGatewayError, StripeGateway
from tests import stripe_fake
from tests.factories import make_product
from tests.functional.payments.support import physical_product, place_stripe_order, reload, stock_of

BASE_URL = "https://shop.example.com"
UNAVAILABLE = "The payment provider is not available right now. Please try again shortly."


@pytest.fixture
def shop(stripe_app):
    stripe_app.config["BASE_URL"] = BASE_URL
    return stripe_app


def add_to_cart(client, product, quantity=1):
    response = client.post("/cart/add", data={"product_id": product.id, "quantity": quantity})
    assert response.status_code == 303


def check_out(client, email="buyer@example.com"):
    return client.post("/checkout/", data={"source": "cart", "email": email})


def the_order(email="buyer@example.com"):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.email == email))


# The session we ask for


def test_checkout_sends_the_shopper_to_the_stripe_session_for_their_order(shop, client, fake_checkout):
    add_to_cart(client, make_product(price_cents=1500))

    response = check_out(client)

    order = the_order()
    [session_id] = fake_checkout.sessions
    assert response.status_code == 303
    assert response.location == f"https://checkout.stripe.test/c/pay/{session_id}"
    assert order.status == OrderStatus.PENDING
    assert order.gateway == "stripe"
    assert order.gateway_session_id == session_id


def test_the_session_charges_the_database_price_of_each_line(shop, client, fake_checkout):
    print_ = physical_product(price_cents=2000, stock=5, title="Harbour print")
    ebook = make_product(price_cents=1500, title="Field guide")
    add_to_cart(client, print_, 2)
    add_to_cart(client, ebook)
    db.session.get(Product, print_.id).price_cents = 2200  # the price went up after it was added to the cart
    db.session.commit()

    check_out(client)

    [request] = fake_checkout.created
    assert request.params["mode"] == "payment"
    assert request.params["line_items"] == [
        {
            "price_data": {"currency": "usd", "unit_amount": "2200", "product_data": {"name": "Harbour print"}},
            "quantity": "2",
        },
        {
            "price_data": {"currency": "usd", "unit_amount": "1500", "product_data": {"name": "Field guide"}},
            "quantity": "1",
        },
    ]


def test_the_session_names_the_order_so_webhooks_can_find_it(shop, client, fake_checkout):
    add_to_cart(client, make_product())

    check_out(client, "Buyer@Example.com")

    order = the_order()
    [request] = fake_checkout.created
    metadata = {"order_id": str(order.id), "order_number": order.number}
    assert request.params["client_reference_id"] == order.number
    assert request.params["metadata"] == metadata
    assert request.params["payment_intent_data"] == {"metadata": metadata}
    assert request.params["customer_email"] == "buyer@example.com"


def test_the_session_allows_promotion_codes_and_expires_with_the_order(shop, client, fake_checkout):
    add_to_cart(client, make_product())

    check_out(client)

    order = the_order()
    [request] = fake_checkout.created
    assert request.params["allow_promotion_codes"] == "true"
    assert request.params["expires_at"] == str(int(order.expires_at.replace(tzinfo=UTC).timestamp()))


def test_the_return_urls_are_built_from_base_url_not_the_request_host(shop, client, fake_checkout):
    product = make_product()

    client.post(
        "/checkout/",
        data={"source": "buy_now", "product_id": product.id, "quantity": 1, "email": "buyer@example.com"},
        headers={"Host": "evil.example"},
    )

    number = the_order().number
    [request] = fake_checkout.created
    assert request.params["success_url"] == f"{BASE_URL}/checkout/complete/{number}?session_id={{CHECKOUT_SESSION_ID}}"
    assert request.params["cancel_url"] == f"{BASE_URL}/checkout/returned/{number}"


def test_the_session_is_created_with_an_idempotency_key_per_order(shop, client, fake_checkout):
    add_to_cart(client, make_product())

    check_out(client)

    [request] = fake_checkout.created
    assert request.idempotency_key == f"checkout-{the_order().number}"


def test_a_physical_order_collects_a_shipping_address_and_offers_the_shipping_rate(shop, client, fake_checkout):
    shop.config["SHIPPING_COUNTRIES"] = ["US", "GB"]
    add_to_cart(client, physical_product(price_cents=2000))

    check_out(client)

    [request] = fake_checkout.created
    assert request.params["shipping_address_collection"] == {"allowed_countries": ["US", "GB"]}
    assert request.params["shipping_options"] == [
        {
            "shipping_rate_data": {
                "type": "fixed_amount",
                "display_name": "Standard shipping",
                "fixed_amount": {"amount": "500", "currency": "usd"},
            }
        }
    ]
    assert the_order().total_cents == 2500


def test_a_physical_order_over_the_free_shipping_threshold_offers_free_shipping(shop, client, fake_checkout):
    add_to_cart(client, physical_product(price_cents=6000))

    check_out(client)

    [request] = fake_checkout.created
    [option] = request.params["shipping_options"]
    assert option["shipping_rate_data"]["display_name"] == "Free shipping"
    assert option["shipping_rate_data"]["fixed_amount"]["amount"] == "0"


def test_a_digital_only_order_asks_for_no_shipping(shop, client, fake_checkout):
    add_to_cart(client, make_product())

    check_out(client)

    [request] = fake_checkout.created
    assert "shipping_address_collection" not in request.params
    assert "shipping_options" not in request.params


# When Stripe cannot take the order


def assert_shopper_told_and_order_canceled(response, client, product, stock):
    assert response.status_code == 303
    assert response.location.endswith("/cart/")
    page = unescape(client.get(response.location).get_data(as_text=True))
    assert UNAVAILABLE in page
    order = the_order()
    assert order.status == OrderStatus.CANCELED
    assert order.gateway_session_id is None
    assert not order.holds_stock
    assert stock_of(product) == stock
    assert db.session.scalars(select(CartItem.product_id)).all() == [product.id]


def test_a_stripe_error_cancels_the_order_and_tells_the_shopper(shop, client, fake_checkout):
    product = physical_product(stock=4)
    add_to_cart(client, product, 2)
    fake_checkout.fail_with = 500

    response = check_out(client)

    assert_shopper_told_and_order_canceled(response, client, product, stock=4)
    # The SDK retried, always with the same key, so Stripe would create at most one session.
    keys = {request.idempotency_key for request in fake_checkout.created}
    assert len(fake_checkout.created) == 1 + StripeGateway.network_retries
    assert keys == {f"checkout-{the_order().number}"}


def test_stripe_being_unreachable_cancels_the_order_and_tells_the_shopper(shop, client):
    shop.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{stripe_fake.free_port()}"  # nothing listens there
    product = physical_product(stock=4)
    add_to_cart(client, product, 2)

    response = check_out(client)

    assert_shopper_told_and_order_canceled(response, client, product, stock=4)


def test_stripe_hanging_fails_the_checkout_within_the_timeout(shop, client, fake_checkout, monkeypatch):
    monkeypatch.setattr(StripeGateway, "timeout", (1, 0.2))
    fake_checkout.delay = 1
    product = physical_product(stock=4)
    add_to_cart(client, product, 2)

    started = time.monotonic()
    response = check_out(client)

    assert time.monotonic() - started < 1 + StripeGateway.network_retries
    assert_shopper_told_and_order_canceled(response, client, product, stock=4)


def test_a_canceled_order_is_not_revived_by_trying_again(shop, client, fake_checkout):
    product = physical_product(stock=4)
    add_to_cart(client, product, 2)
    fake_checkout.fail_with = 500
    check_out(client)
    fake_checkout.fail_with = None

    response = check_out(client)

    assert response.status_code == 303
    assert response.location.startswith("https://checkout.stripe.test/")
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert [order.status for order in orders] == [OrderStatus.CANCELED, OrderStatus.PENDING]
    assert stock_of(product) == 2


# Closing a session


@pytest.fixture
def gateway(shop, fake_checkout):
    return StripeGateway(shop.config)


def test_expiring_an_open_session_closes_it(gateway, fake_checkout):
    order = place_stripe_order((make_product(), 1))
    session = gateway.create_checkout_session(order)

    assert gateway.expire_session(session.id) is True
    assert fake_checkout.sessions[session.id]["status"] == "expired"
    assert fake_checkout.requests[-1].path == f"/v1/checkout/sessions/{session.id}/expire"


def test_expiring_a_session_stripe_will_not_expire_reports_false(gateway, fake_checkout):
    assert gateway.expire_session("cs_test_already_completed") is False


def test_expiring_a_session_while_stripe_fails_raises_a_gateway_error(gateway, fake_checkout):
    fake_checkout.fail_with = 500

    with pytest.raises(PaymentGatewayError, match="not available right now"):
        gateway.expire_session("cs_test_whatever")


def test_the_shopper_canceling_at_stripe_expires_the_session_and_releases_stock(shop, client, fake_checkout):
    product = physical_product(stock=4)
    add_to_cart(client, product, 2)
    check_out(client)
    order = the_order()

    response = client.post(f"/checkout/cancel/{order.number}")

    assert response.status_code == 303
    assert fake_checkout.sessions[order.gateway_session_id]["status"] == "expired"
    assert reload(order).status == OrderStatus.CANCELED
    assert stock_of(product) == 4
