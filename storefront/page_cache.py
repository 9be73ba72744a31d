"""Browser caching and conditional GET (ETag, 304) for the public pages: the catalogue and product pages.

What may be cached, and by whom. These pages are the same for every anonymous shopper except for two things: the
CSRF token in the meta tag and the forms (tied to the visitor's session), and the cart count in the header. So:

- Never a shared cache. The response is `private` (and sets the session cookie on a first visit), so a proxy or
  CDN never hands one shopper's token or cart count to another. `Vary: Cookie` makes a new cookie (the first cart,
  a login, a flashed message) a different entry; `Vary: HX-Request, HX-History-Restore-Request` keeps the page, its
  htmx fragment and htmx's history restore (which gets the page) apart.
- Anonymous, no cart: `private, max-age=60`. The browser may show its copy for a minute (back button, a second
  visit), then revalidates.
- Anonymous with a cart: `private, no-cache`. The cart can change without the cookie changing, so the browser
  asks every time; a 304 comes back only when the page, cart count included, is what it already has.
- Logged in (the header shows the email; admins see unpublished products) or any status but 200: nothing here;
  `storefront.security` makes the response `no-store` as for every other private page.

The ETag is a hash of the page with the signed CSRF token taken out (it embeds a timestamp, so it differs on every
request although the session's token is the same), plus the session's raw token and the half of the token's
lifetime we are in. A 304 therefore hands back a copy whose token still belongs to this session and has not expired.
"""

import hashlib
import time

from flask import current_app, g, request, session
from flask_login import current_user

from storefront.cart.current import current_cart

ANONYMOUS_MAX_AGE = 60
# Flask-WTF's default lifetime of a signed CSRF token when WTF_CSRF_TIME_LIMIT is not set.
DEFAULT_TOKEN_SECONDS = 3600


def cache_for_anonymous(response):
    """Make a 200 response to an anonymous shopper privately cacheable with an ETag, and answer a matching
    If-None-Match with 304. Other responses are returned unchanged (so they end up `no-store`)."""
    if response.status_code != 200 or current_user.is_authenticated:
        return response
    # htmx's history restore sends HX-Request too but gets the full page (storefront.htmx), so it is a third entry.
    response.vary.update(("Cookie", "HX-Request", "HX-History-Restore-Request"))
    response.cache_control.private = True
    if current_cart() is None:
        response.cache_control.max_age = ANONYMOUS_MAX_AGE
    else:
        response.cache_control.no_cache = True
    response.set_etag(page_etag(response.get_data()))
    return response.make_conditional(request)


def page_etag(body):
    """The page's ETag: its bytes without the signed CSRF token, this session's raw token and the token's half-life
    period (see the module docstring)."""
    digest = hashlib.sha256(_without_signed_token(body))
    digest.update(str(session.get(_token_field(), "")).encode())
    digest.update(str(_token_period()).encode())
    return digest.hexdigest()[:32]


def _token_field():
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _without_signed_token(body):
    token = g.get(_token_field())
    return body.replace(token.encode(), b"") if token else body


def _token_period():
    lifetime = current_app.config.get("WTF_CSRF_TIME_LIMIT", DEFAULT_TOKEN_SECONDS)
    return int(time.time() // max(1, (lifetime or DEFAULT_TOKEN_SECONDS) // 2))
