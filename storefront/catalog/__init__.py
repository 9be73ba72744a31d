from flask import Blueprint

bp = Blueprint("catalog", __name__)

from storefront.catalog import views  # noqa: E402,F401  (routes register on import)
