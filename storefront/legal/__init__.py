"""Legal documents (terms, privacy, refunds, content guidelines): public pages, the terms re-acceptance page, and
the versioned texts superadmins publish from the admin (storefront/admin/legal.py)."""

from flask import Blueprint

bp = Blueprint("legal", __name__, url_prefix="/legal")

from storefront.legal import views  # noqa: E402,F401  (routes register on import)
