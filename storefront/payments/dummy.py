"""The dummy gateway's events, shaped like Stripe's so they travel the same webhook code path."""

import secrets

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ShippingAddressForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    line1 = StringField("Address", validators=[DataRequired(), Length(max=200)])
    line2 = StringField("Address line 2 (optional)", validators=[Length(max=200)])
    postal_code = StringField("Postal code", validators=[DataRequired(), Length(max=20)])
    city = StringField("City", validators=[DataRequired(), Length(max=100)])
    country = StringField(
        "Country code", validators=[DataRequired(), Length(min=2, max=2, message="Use a two-letter code such as US.")]
    )

    def shipping_details(self):
        address = {key: (getattr(self, key).data or "").strip() for key in ("line1", "line2", "postal_code", "city")}
        return {"name": self.name.data.strip(), "address": {**address, "country": self.country.data.upper()}}


def payment_intent_id(order):
    return f"dummy_pi_{order.number}"


def _metadata(order):
    return {"order_id": str(order.id), "order_number": order.number}


def _event(event_type, data_object):
    return {"id": f"evt_dummy_{secrets.token_hex(12)}", "type": event_type, "data": {"object": data_object}}


def session_event(event_type, order, payment_status, shipping_details=None):
    """A `checkout.session.*` event for `order`'s dummy session."""
    session = {
        "id": order.gateway_session_id,
        "object": "checkout.session",
        "client_reference_id": order.number,
        "metadata": _metadata(order),
        "payment_status": payment_status,
        "amount_total": order.total_cents,
        "currency": order.currency.lower(),
        "payment_intent": payment_intent_id(order),
        "customer_details": {"email": order.email},
        "collected_information": {"shipping_details": shipping_details} if shipping_details else None,
    }
    return _event(event_type, session)


def declined_event(order):
    intent = {
        "id": payment_intent_id(order),
        "object": "payment_intent",
        "metadata": _metadata(order),
        "amount": order.total_cents,
        "currency": order.currency.lower(),
        "latest_charge": f"dummy_ch_{secrets.token_hex(8)}",
        "last_payment_error": {"message": "Your card was declined (dummy gateway)."},
    }
    return _event("payment_intent.payment_failed", intent)


def refunded_event(order, amount_refunded_total):
    """A `charge.refunded` event for `order`'s dummy charge: `amount_refunded_total` is the running total, as Stripe
    reports it."""
    charge = {
        "id": f"dummy_ch_{order.number}",
        "object": "charge",
        "amount": order.amount_paid_cents,
        "amount_refunded": amount_refunded_total,
        "currency": order.currency.lower(),
        "payment_intent": payment_intent_id(order),
        "refunded": amount_refunded_total >= order.amount_paid_cents,
        "status": "succeeded",
    }
    return _event("charge.refunded", charge)
