"""Finding the visitor's cart from the request: the logged-in user's, or the guest cookie's."""

import re

from flask import after_this_request, current_app, g, request
from flask_login import current_user

from storefront.cart import services

COOKIE_NAME = "sf_cart"
COOKIE_MAX_AGE = 60 * 24 * 3600
# secrets.token_urlsafe(32) makes 43 characters of [A-Za-z0-9_-].
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _user():
    return current_user if current_user.is_authenticated else None


def current_cart():
    """The visitor's active cart, or None; looked up once per request, and never without a cookie or user."""
    if "cart" not in g:
        token = guest_cart_token()
        g.cart = services.find_cart(token=token, user=_user()) if token or _user() else None
    return g.cart


def guest_cart_token():
    """The guest cart cookie when it looks like a token we issued; a mangled one (a NUL byte would make Postgres
    raise) is treated as no cookie."""
    token = request.cookies.get(COOKIE_NAME)
    return token if token and TOKEN_SHAPE.fullmatch(token) else None


def current_or_new_cart():
    """The visitor's cart, created on first use; a new guest cart's token goes into a cookie."""
    cart = current_cart()
    if cart is None:
        cart = g.cart = services.get_or_create_cart(user=_user())
        if cart.user_id is None:
            remember_guest_cart(cart.token)
    return cart


def remember_guest_cart(token):
    @after_this_request
    def set_cookie(response):
        # A refused change rolls the new cart back, so a cookie would name a cart that does not exist.
        if response.status_code >= 400:
            return response
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response


def forget_guest_cart():
    @after_this_request
    def delete_cookie(response):
        response.delete_cookie(COOKIE_NAME)
        return response
