"""What search engines and link previews read: per-page meta tags and JSON-LD, `sitemap.xml` and `robots.txt`."""

from flask import Blueprint

bp = Blueprint("seo", __name__)

from storefront.seo import views  # noqa: E402,F401  (routes register on import)
