from flask import Blueprint

bp = Blueprint("cart", __name__, url_prefix="/cart")

# isort: off
# Routes register on import; views first, as the cart's modules import one another in that order.
from storefront.cart import views  # noqa: E402,F401
from storefront.cart import reminder_views  # noqa: E402,F401
# isort: on
