from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")

from storefront.payments import views  # noqa: E402,F401  (routes register on import)
