"""Privacy tools: a shopper downloads everything the shop holds about them, or deletes their account; admins do the
same for a request received by email (storefront/admin/privacy.py). What is exported and what is erased are lists
of named section functions (`export.SECTIONS`, `erasure.ERASERS`), so another domain joins with one line."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/account/privacy")

from storefront.privacy import views  # noqa: E402,F401  (routes register on import)
