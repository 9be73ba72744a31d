from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from storefront.admin import (  # noqa: E402,F401  (routes register on import)
    audit,
    customers,  # noqa: E402,F401  (the customers list and accounts)
    dashboard,
    jobs,  # noqa: E402,F401  (failed background jobs)
    legal,  # noqa: E402,F401  (legal documents and their versions)
    licences,  # noqa: E402,F401  (a product's licence keys)
    orders,
    privacy,  # noqa: E402,F401  (a customer's data export and deletion on request)
    products,  # noqa: E402,F401  (products, pictures and deliverable files)
    promotions,  # noqa: E402,F401  (promotion codes)
    renders,
    reviews,  # noqa: E402,F401  (moderating product reviews)
    views,
    webhooks,  # noqa: E402,F401  (refused webhook deliveries)
)
