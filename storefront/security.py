"""Security headers on every response, and `Cache-Control: no-store` on every private one.

A small after_request hook of our own rather than flask-talisman: Talisman's last release was in 2023, most of
what it offers (nonces, HTTPS redirects, per-view overrides) we do not need, and the policy below is short enough
to read in one screen. The policy allows no inline script or style and no eval, so an injected `<script>` or
`onclick=` does nothing; htmx is configured for that in base.html (`allowEval: false`, no indicator `<style>`).

What is private: every page carries the visitor's CSRF token, and its header shows their cart and email, so every
dynamic response depends on the session. Only static assets and public media may be stored by browsers and
proxies; everything else is `no-store`, so a shared computer's back button or a proxy never replays someone's
order page, download redirect or admin screen. The one exception: an anonymous shopper's own browser may keep the
catalogue and product pages (`private`, revalidated by ETag; see storefront.page_cache for why that is safe).
"""

from urllib.parse import urlsplit

from flask import current_app, request

from storefront.storage import get_storage

# Endpoints whose responses are the same for everyone who may see them and carry their own caching headers
# (a personalisation preview is `private`: only the browser keeps it).
PUBLIC_ENDPOINTS = frozenset({"static", "media.public_file", "catalog.preview_image", "seo.sitemap", "seo.robots"})
# Pages an anonymous shopper's browser may keep (never a shared cache): see storefront.page_cache. They stay
# `no-store` unless the view marked the response `private`, which it does only for anonymous visitors.
PRIVATELY_CACHED_ENDPOINTS = frozenset({"catalog.index", "catalog.product"})
# Stripe Checkout is reached by a 303 after our checkout form's POST; Chromium applies form-action to that redirect.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def register_security_headers(app):
    app.after_request(add_security_headers)


def add_security_headers(response):
    """Add the headers to `response`; an existing `no-store` (such as `private, no-store`) is kept as it is."""
    response.headers.update(STATIC_HEADERS)
    response.headers["Content-Security-Policy"] = content_security_policy()
    if current_app.config["PRODUCTION"]:
        response.headers["Strict-Transport-Security"] = HSTS
    if not _may_be_stored(response) and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def _may_be_stored(response):
    if request.endpoint in PUBLIC_ENDPOINTS:
        return True
    return request.endpoint in PRIVATELY_CACHED_ENDPOINTS and response.cache_control.private is not None


def content_security_policy():
    """The CSP for this app: everything from our own origin, images also from the public media origin, and scripts
    may also send admins' direct uploads to the storage bucket's origin."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(["'self'", *_media_origins()]),
        "connect-src": " ".join(["'self'", *_upload_origins()]),
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": f"'self' {STRIPE_CHECKOUT_ORIGIN}",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _media_origins():
    """The origin product images come from when it is not ours: S3_PUBLIC_BASE_URL's, or the bucket's."""
    origin = _origin(get_storage().public_url("_"))
    return [origin] if origin else []


def _upload_origins():
    """The origin browsers POST direct uploads to (S3 storage only; local storage takes uploads through the app)."""
    origin = get_storage().upload_origin
    return [origin] if origin else []


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
