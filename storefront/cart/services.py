"""Cart rules: what may be added and how much, merging on login, and expiry. Callers commit."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from storefront.cart.models import Cart, CartItem, CartStatus
from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.licences.services import MAX_SEATS, sells_seats
from storefront.renders.personalisation import PersonalisationError, clean_personalisation


class CartError(Exception):
    """The cart change was refused; the message is safe to show to the shopper."""


class CartItemNotFound(CartError):
    pass


def _active_carts():
    return (
        select(Cart)
        .where(Cart.status == CartStatus.ACTIVE)
        .options(selectinload(Cart.items).selectinload(CartItem.product))
    )


def find_cart(token=None, user=None):
    """The active cart of `user`, else the active guest cart with this cookie token, else None."""
    if user is not None:
        return db.session.scalar(_active_carts().where(Cart.user_id == user.id).order_by(Cart.id.desc()))
    if token:
        return db.session.scalar(_active_carts().where(Cart.token == token, Cart.user_id.is_(None)))
    return None


def get_or_create_cart(token=None, user=None):
    cart = find_cart(token, user)
    if cart is None:
        cart = Cart(token=secrets.token_urlsafe(32), user_id=user.id if user is not None else None, items=[])
        db.session.add(cart)
        db.session.flush()
    return cart


def _touch(cart):
    cart.touched_at = utcnow()


def max_quantity(product):
    """How many of `product` one cart may hold: digital goods once (a download sold with a licence key per unit: up
    to MAX_SEATS seats), physical goods up to the stock (the number every quantity message names)."""
    if product.is_digital:
        return MAX_SEATS if sells_seats(product) else 1
    return product.stock or 0


def _check_quantity(product, quantity):
    if quantity < 1:
        raise CartError("Quantity must be at least 1.")
    if not product.is_published:
        raise CartError(f"{product.title} is no longer available.")
    if product.is_digital and quantity > 1 and not sells_seats(product):
        raise CartError(f"{product.title} is a download: one copy is all you need.")
    limit = max_quantity(product)
    if limit == 0:
        raise CartError(f"{product.title} is out of stock.")
    if quantity > limit:
        raise CartError(f"Only {limit} of {product.title} available.")


def _find_item(cart, item_id):
    for item in cart.items:
        if item.id == item_id:
            return item
    raise CartItemNotFound("That item is not in your cart.")


def _checked_personalisation(product, values):
    try:
        return clean_personalisation(product, values or {})
    except PersonalisationError as problem:
        raise CartError(str(problem)) from None


def add_item(cart, product_id, quantity=1, personalisation=None):
    """Add `quantity` of a published product; adding a product already there adds to its line. A personalised
    product needs every one of its buyer fields filled (see storefront.renders.personalisation). Raises CartError."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise CartError("That product does not exist.")
    personalisation = _checked_personalisation(product, personalisation)
    existing = next((item for item in cart.items if item.product_id == product.id), None)
    if existing is not None and product.is_digital and not sells_seats(product):
        raise CartError(f"{product.title} is already in your cart.")
    total = quantity + (existing.quantity if existing else 0)
    _check_quantity(product, total)
    if existing is None:
        existing = CartItem(
            product=product, quantity=0, seen_price_cents=product.price_cents, personalisation=personalisation
        )
        cart.items.append(existing)
    existing.quantity = total
    existing.seen_price_cents = product.price_cents
    _touch(cart)
    return existing


def set_quantity(cart, item_id, quantity):
    """Change a line's quantity; 0 removes it. Raises CartError (CartItemNotFound for another cart's item)."""
    item = _find_item(cart, item_id)
    if quantity == 0:
        return remove_item(cart, item_id)
    _check_quantity(item.product, quantity)
    item.quantity = quantity
    _touch(cart)
    return item


def set_personalisation(cart, item_id, values):
    """Replace a personalised line's text, checked as when adding (storefront.renders.personalisation).
    Raises CartError (CartItemNotFound for another cart's item)."""
    item = _find_item(cart, item_id)
    if not item.product.personalisation_fields:
        raise CartError(f"{item.product.title} has no text to change.")
    item.personalisation = _checked_personalisation(item.product, values)
    _touch(cart)
    return item


def remove_item(cart, item_id):
    cart.items.remove(_find_item(cart, item_id))
    _touch(cart)


def clear(cart):
    cart.items.clear()
    _touch(cart)


def merge_into_user_cart(guest_token, user):
    """On login: move the guest cart's items into the user's cart (quantities combined within limits),
    then delete the guest cart. Returns the user's cart, or None when there was no guest cart."""
    guest = find_cart(token=guest_token)
    if guest is None:
        return None
    target = get_or_create_cart(user=user)
    for item in guest.items:
        mine = next((line for line in target.items if line.product_id == item.product_id), None)
        if mine is None:
            mine = CartItem(
                product=item.product,
                quantity=0,
                seen_price_cents=item.seen_price_cents,
                personalisation=dict(item.personalisation or {}),
            )
            target.items.append(mine)
        # Capped like any add, but never below one: a line the shop can no longer fill stays, marked, in the cart.
        mine.quantity = max(1, min(mine.quantity + item.quantity, max_quantity(item.product)))
    db.session.delete(guest)
    _touch(target)
    return target


def expire_abandoned_carts(now=None):
    """Mark carts untouched for CART_ABANDON_AFTER_HOURS as abandoned; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["CART_ABANDON_AFTER_HOURS"])
    result = db.session.execute(
        update(Cart)
        .where(Cart.status == CartStatus.ACTIVE, Cart.touched_at < cutoff)
        .values(status=CartStatus.ABANDONED)
    )
    return result.rowcount
