from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from storefront.admin import audit, dashboard, orders, renders, views  # noqa: E402,F401  (routes register on import)
from storefront.admin import promotions  # noqa: E402,F401  (promotion codes)
from storefront.admin import customers  # noqa: E402,F401  (the customers list and accounts)
from storefront.admin import products  # noqa: E402,F401  (products, pictures and deliverable files)
