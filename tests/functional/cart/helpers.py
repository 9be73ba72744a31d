"""Reading cart stories back: the header count in a response, and the carts in the database."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from storefront.cart import services
from storefront.cart.models import Cart, CartStatus
from storefront.extensions import db

HX_REQUEST = {"HX-Request": "true"}
# Every cart change is told twice: once as htmx sends it, once as a plain form post without JavaScript.
MODES = [pytest.param(True, id="htmx"), pytest.param(False, id="plain-form")]


def text(response):
    return unescape(response.get_data(as_text=True))


def header_count(response, oob=False):
    """The number on the header's cart link (0 without a badge); `oob` reads the out-of-band copy htmx swaps in."""
    swap = ' hx-swap-oob="true"' if oob else ""
    link = re.search(rf'<a id="cart-link" href="/cart/"{swap}>(.*?)</a>', response.get_data(as_text=True), re.S)
    assert link, f"no {'out-of-band ' if oob else ''}cart link in the response"
    badge = re.search(r'class="badge"[^>]*>(\d+)<', link.group(1))
    return int(badge.group(1)) if badge else 0


def active_carts():
    """Every active cart, read fresh: requests run in their own sessions, so nothing cached here is trusted."""
    db.session.expire_all()
    return db.session.scalars(select(Cart).where(Cart.status == CartStatus.ACTIVE).order_by(Cart.id)).all()


def all_carts():
    db.session.expire_all()
    return db.session.scalars(select(Cart).order_by(Cart.id)).all()


def lines(cart):
    """{product title: quantity} of a cart."""
    return {item.product.title: item.quantity for item in cart.items}


def cart_lines():
    """The lines of the one active cart in the database ({} when there is none)."""
    carts = active_carts()
    assert len(carts) <= 1, "expected at most one active cart"
    return lines(carts[0]) if carts else {}


def snapshot():
    """Everything a refused change must leave alone: each cart's status and lines, with the prices seen."""
    return [
        (cart.id, cart.status, cart.touched_at, [(i.product_id, i.quantity, i.seen_price_cents) for i in cart.items])
        for cart in all_carts()
    ]


def cart_for(user, *additions):
    """Fill `user`'s cart through the cart service, as the add button would: cart_for(user, (product, 2), ...)."""
    cart = services.get_or_create_cart(user=user)
    for product, quantity in additions:
        services.add_item(cart, product.id, quantity)
    db.session.commit()
    return cart


def item_id(title):
    """The id of the active cart line for the product called `title`."""
    for cart in active_carts():
        for item in cart.items:
            if item.product.title == title:
                return item.id
    raise AssertionError(f"{title} is in no active cart")


class Shopper:
    """A visitor pressing the cart's buttons: `shopper.add(product, 2, htmx=True)`, `.update(item_id, 3)`, ..."""

    def __init__(self, client):
        self.client = client

    def post(self, url, data=None, htmx=False):
        return self.client.post(url, data=data or {}, headers=HX_REQUEST if htmx else {})

    def add(self, product, quantity=1, htmx=False, **extra):
        product_id = getattr(product, "id", product)
        return self.post("/cart/add", {"product_id": product_id, "quantity": quantity, **extra}, htmx)

    def update(self, item_id, quantity, htmx=False):
        return self.post(f"/cart/items/{item_id}", {"quantity": quantity}, htmx)

    def remove(self, item_id, htmx=False):
        return self.post(f"/cart/items/{item_id}/remove", htmx=htmx)

    def clear(self, htmx=False):
        return self.post("/cart/clear", htmx=htmx)
