"""The key check for the creator's software, and the template helpers that show keys on order pages, in the
library, in emails and on the admin dashboard."""

from flask import Blueprint, jsonify

from storefront.extensions import csrf, limiter
from storefront.licences import pool, services

bp = Blueprint("licences", __name__)
# Per client address: enough for software checking at start-up, too few to enumerate keys.
CHECK_LIMIT = "30 per minute"


@bp.route("/api/licences/<path:key>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(CHECK_LIMIT)
def check(key):
    """``{"status": "valid" | "revoked", "product": slug}`` for an issued key, 404 for any other; no buyer data.
    CSRF-exempt: it changes nothing and is called by programs, not browsers."""
    answer = services.check_key(key)
    if answer is None:
        return jsonify({"status": "unknown"}), 404
    return jsonify(answer)


@bp.app_template_global()
def order_licences(order):
    return services.order_licences(order)


@bp.app_template_global()
def low_licence_pools():
    return pool.low_pools()


@bp.app_template_global()
def sells_seats(product):
    return services.sells_seats(product)
