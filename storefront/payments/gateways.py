"""Payment gateways behind one small interface, chosen by PAYMENT_GATEWAY.

- `stripe`: Stripe Checkout through the official SDK (STRIPE_API_BASE points it at a local fake in tests).
- `dummy`: a clearly labelled local "hosted checkout" page that drives the same webhook code path.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC

import stripe
from flask import current_app, url_for
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.promotions.models import PromoCode
from storefront.urls import external_url

UNAVAILABLE = "The payment provider is not available right now. Please try again shortly."


class PaymentGatewayError(Exception):
    """The provider could not be reached or refused the request; the message is safe to show."""


class RefundDeclined(PaymentGatewayError):
    """The provider refused this refund (more than is left, a charge that cannot be refunded)."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def _return_urls(order):
    return (
        external_url("checkout.complete", number=order.number),
        external_url("checkout.returned", number=order.number),
    )


class StripeGateway:
    name = "stripe"
    # (connect, read) seconds and one retry: a hung Stripe fails the checkout with a clear message well inside
    # gunicorn's 30 s worker timeout (the SDK's default is 80 s a try). The idempotency key makes the retry safe.
    timeout = (3, 8)
    network_retries = 1

    def __init__(self, config):
        base = {"api": config["STRIPE_API_BASE"]} if config["STRIPE_API_BASE"] else None
        self.client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            base_addresses=base,
            max_network_retries=self.network_retries,
            http_client=stripe.RequestsClient(timeout=self.timeout),
        )
        self.shipping_countries = config["SHIPPING_COUNTRIES"]

    def _session_params(self, order):
        success_url, cancel_url = _return_urls(order)
        metadata = {"order_id": str(order.id), "order_number": order.number}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": order.currency.lower(),
                        "unit_amount": item.unit_price_cents,
                        "product_data": {"name": item.title},
                    },
                    "quantity": item.quantity,
                }
                for item in order.items
            ],
            "client_reference_id": order.number,
            "customer_email": order.email,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": cancel_url,
            "expires_at": int(order.expires_at.replace(tzinfo=UTC).timestamp()),
        }
        params.update(self._discount_params(order))
        if order.requires_shipping:
            params["shipping_address_collection"] = {"allowed_countries": self.shipping_countries}
            params["shipping_options"] = [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Standard shipping" if order.shipping_cents else "Free shipping",
                        "fixed_amount": {"amount": order.shipping_cents, "currency": order.currency.lower()},
                    }
                }
            ]
        return params

    @staticmethod
    def _discount_params(order):
        """A code entered in the shop is applied by Stripe as its promotion code; otherwise shoppers may enter one on
        Stripe's page (Stripe accepts one or the other, not both)."""
        promo = db.session.get(PromoCode, order.promo_code_id) if order.promo_code_id else None
        if promo is None or not promo.stripe_promotion_code_id:
            return {"allow_promotion_codes": True}
        return {"discounts": [{"promotion_code": promo.stripe_promotion_code_id}]}

    def create_checkout_session(self, order):
        try:
            session = self.client.v1.checkout.sessions.create(
                params=self._session_params(order), options={"idempotency_key": f"checkout-{order.number}"}
            )
        except stripe.StripeError as error:
            current_app.logger.warning("Stripe refused a checkout session for %s: %s", order.number, error)
            raise PaymentGatewayError(UNAVAILABLE) from error
        return CheckoutSession(id=session.id, url=session.url)

    def expire_session(self, session_id):
        """Close an open session so it can no longer be paid: True once it is closed (now or before), False when
        Stripe refuses because the shopper completed it (the payment is confirming). Raises PaymentGatewayError
        when Stripe cannot be reached."""
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError:
            return self._session_status(session_id) == "expired"
        except stripe.StripeError as error:
            raise PaymentGatewayError(UNAVAILABLE) from error
        return True

    def _session_status(self, session_id):
        session = self._retrieve_session(session_id)
        return session.status if session is not None else None

    def _retrieve_session(self, session_id):
        try:
            return self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.InvalidRequestError:
            return None  # no such session: nothing we know of can be paid, but nothing says it is closed either
        except stripe.StripeError as error:
            raise PaymentGatewayError(UNAVAILABLE) from error

    def open_session_url(self, session_id):
        """Stripe's page for this session while it can still be paid, else None. Raises PaymentGatewayError."""
        session = self._retrieve_session(session_id)
        return session.url if session is not None and session.status == "open" else None

    def refund(self, order, refund):
        """Ask Stripe to refund `refund.amount_cents` of the order's payment; returns Stripe's refund id. The key comes
        from the admin's confirmation form, so a double click or a retry is one refund. The money is recorded when
        Stripe's `charge.refunded` webhook lands (refunds made in Stripe's dashboard arrive the same way).

        Raises RefundDeclined when Stripe refuses it, PaymentGatewayError when Stripe cannot be reached."""
        params = {
            "payment_intent": order.payment_intent_id,
            "amount": refund.amount_cents,
            "metadata": {"order_id": str(order.id), "refund_id": str(refund.id)},
        }
        options = {"idempotency_key": f"refund-{refund.idempotency_key}"}
        try:
            return self.client.v1.refunds.create(params=params, options=options).id
        except stripe.InvalidRequestError as error:
            raise RefundDeclined(f"Stripe refused the refund: {error.user_message or error}") from error
        except stripe.StripeError as error:
            raise PaymentGatewayError(UNAVAILABLE) from error

    def create_promotion(self, promo):
        """Create the code's coupon and promotion code at Stripe, once (idempotency keys named after the code's id);
        returns (coupon id, promotion code id). Raises PaymentGatewayError."""
        coupon = self._call(self.client.v1.coupons.create, _coupon_params(promo), f"coupon-{promo.id}")
        promotion = self._call(
            self.client.v1.promotion_codes.create, _promotion_params(promo, coupon.id), f"promotion-code-{promo.id}"
        )
        return coupon.id, promotion.id

    def set_promotion_active(self, promo):
        """Make Stripe's promotion code follow the shop's active flag. Raises PaymentGatewayError."""
        try:
            self.client.v1.promotion_codes.update(promo.stripe_promotion_code_id, params={"active": promo.is_active})
        except stripe.StripeError as error:
            raise PaymentGatewayError(UNAVAILABLE) from error

    def _call(self, method, params, idempotency_key):
        try:
            return method(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise PaymentGatewayError(UNAVAILABLE) from error

    def order_id_for_payment_intent(self, payment_intent_id):
        """The order id we put in the PaymentIntent's metadata, for events that arrive before completion."""
        try:
            intent = self.client.v1.payment_intents.retrieve(payment_intent_id)
        except stripe.StripeError as error:
            raise PaymentGatewayError(f"could not read payment intent {payment_intent_id}") from error
        return (intent.to_dict().get("metadata") or {}).get("order_id")


def _coupon_params(promo):
    params = {"duration": "once", "name": promo.code, "metadata": {"promo_code_id": str(promo.id)}}
    if promo.kind == "percent":
        return {**params, "percent_off": promo.percent_off}
    return {**params, "amount_off": promo.amount_off_cents, "currency": promo.currency.lower()}


def _promotion_params(promo, coupon_id):
    params = {"promotion": {"type": "coupon", "coupon": coupon_id}, "code": promo.code, "active": promo.is_active}
    params["metadata"] = {"promo_code_id": str(promo.id)}
    if promo.max_redemptions is not None:
        params["max_redemptions"] = promo.max_redemptions
    if promo.expires_at is not None:
        params["expires_at"] = int(promo.expires_at.replace(tzinfo=UTC).timestamp())
    if promo.min_subtotal_cents:
        minimum = {"minimum_amount": promo.min_subtotal_cents, "minimum_amount_currency": promo.currency.lower()}
        params["restrictions"] = minimum
    return params


class DummyGateway:
    """Local stand-in for a hosted checkout: no money moves, and every page says so."""

    name = "dummy"

    def __init__(self, config):
        self.config = config

    def create_checkout_session(self, order):
        session_id = f"dummy_cs_{secrets.token_urlsafe(18)}"
        return CheckoutSession(id=session_id, url=url_for("payments.dummy_checkout", session_id=session_id))

    def _completed(self, session_id):
        """True once the shopper completed this checkout (a slow payment is then confirming)."""
        payment = db.session.scalar(
            select(Order.payment_intent_id).where(Order.gateway_session_id == session_id, Order.gateway == self.name)
        )
        return payment is not None

    def expire_session(self, session_id):
        """Like Stripe: a checkout the shopper completed cannot be expired."""
        return not self._completed(session_id)

    def open_session_url(self, session_id):
        """The dummy payment page until the shopper completed it there."""
        return None if self._completed(session_id) else url_for("payments.dummy_checkout", session_id=session_id)

    def refund(self, order, refund):
        """No money moves; the refund service delivers the matching `charge.refunded` event itself."""
        return f"dummy_re_{secrets.token_hex(8)}"

    def order_id_for_payment_intent(self, payment_intent_id):
        return None


GATEWAYS = {"stripe": StripeGateway, "dummy": DummyGateway}


def open_payment_page(order):
    """Where the shopper can go on paying for `order`: its provider page while the order is pending and the page is
    still open, else None. Raises PaymentGatewayError when the provider cannot be reached."""
    if order.status != OrderStatus.PENDING or not order.gateway_session_id or order.gateway not in GATEWAYS:
        return None
    return get_gateway(order.gateway).open_session_url(order.gateway_session_id)


def get_gateway(name=None):
    config = current_app.config
    return GATEWAYS[name or config["PAYMENT_GATEWAY"]](config)
