"""Keeping Stripe's copy of each code in step with the shop's (queued by storefront.promotions.services)."""

from storefront.extensions import db
from storefront.payments.gateways import get_gateway
from storefront.promotions.models import PromoCode


def sync_promo_code(promo_id):
    """Create the code at Stripe if it is not there yet, then match its active flag. Safe to run again: creation
    uses idempotency keys named after the code, and the flag is simply set. Gateway errors raise (RQ retries)."""
    promo = db.session.get(PromoCode, promo_id)
    gateway = get_gateway("stripe")
    if promo.stripe_promotion_code_id is None:
        promo.stripe_coupon_id, promo.stripe_promotion_code_id = gateway.create_promotion(promo)
        db.session.commit()
    gateway.set_promotion_active(promo)
