"""Reviews and ratings: buyers review what they bought, admins approve or reject (storefront.admin.reviews), and the
product page shows the approved ones with the average."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)

from storefront.reviews import views  # noqa: E402,F401  (routes register on import)
