from flask import Blueprint

bp = Blueprint("cart", __name__, url_prefix="/cart")

from storefront.cart import views  # noqa: E402,F401  (routes register on import)
