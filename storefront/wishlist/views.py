"""Wishlist pages: the heart that saves or forgets a product (htmx swaps the heart; a plain form post redirects
back), the list at /account/wishlist, and moving an item to the cart or removing it. Guests pressing a heart are
sent to log in and brought back to the product, where the heart is ready to press."""

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from storefront.cart.current import current_or_new_cart
from storefront.cart.services import CartError
from storefront.extensions import db
from storefront.htmx import is_htmx, render_page_or_fragment
from storefront.urls import is_safe_next
from storefront.wishlist import services

bp = Blueprint("wishlist", __name__)
PAGE, ITEMS = "wishlist/list.html", "wishlist/_partials/items.html"
INVALID = 422


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.app_template_global()
def wishlist_ids():
    """Products the visitor saved, for the hearts on a page (looked up once per request)."""
    if "wishlist_ids" not in g:
        g.wishlist_ids = services.saved_ids(_me())
    return g.wishlist_ids


def login_url(product):
    return url_for("accounts.login", next=url_for("catalog.product", slug=product.slug))


@bp.post("/wishlist/<int:product_id>")
def toggle(product_id):
    """Save or forget a product. A guest is sent to log in (htmx: HX-Redirect), then back to the product."""
    product = services.shown_product(product_id)
    if product is None:
        abort(404)
    if _me() is None:
        return _to_login(product)
    saved = services.toggle(_me(), product)
    db.session.commit()
    target = request.form.get("next")
    back = target if is_safe_next(target) else url_for("catalog.product", slug=product.slug)
    if is_htmx():
        return render_template("wishlist/_partials/heart.html", product=product, saved=saved, back=back)
    return redirect(back, code=303)


def _to_login(product):
    flash("Log in to save products to your wishlist.", "info")
    if not is_htmx():
        return redirect(login_url(product), code=303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = login_url(product)
    return response


def _render_list(status=200, error=None, notice=None, moved=False):
    entries = services.entries(_me())
    context = {"entries": entries, "error": error, "notice": notice, "moved": moved}
    return render_page_or_fragment(PAGE, ITEMS, status=status, **context)


@bp.get("/account/wishlist")
@login_required
def show():
    return _render_list()


@bp.post("/account/wishlist/<int:product_id>/remove")
@login_required
def remove(product_id):
    message = "Removed from your wishlist." if services.remove(_me(), product_id) else None
    db.session.commit()
    if is_htmx():
        return _render_list(notice=message)
    if message:
        flash(message, "success")
    return redirect(url_for("wishlist.show"), code=303)


@bp.post("/account/wishlist/<int:product_id>/cart")
@login_required
def move_to_cart(product_id):
    """Move a saved product to the cart; 422 with the cart's reason (out of stock, already there...) when refused."""
    try:
        product = services.move_to_cart(_me(), product_id, current_or_new_cart())
        db.session.commit()
    except (CartError, IntegrityError) as refused:
        db.session.rollback()
        message = str(refused) if isinstance(refused, CartError) else "That item was just added to your cart."
        return _render_list(INVALID, message)
    message = f"Moved {product.title} to your cart."
    if is_htmx():
        return _render_list(notice=message, moved=True)
    flash(message, "success")
    return redirect(url_for("wishlist.show"), code=303)
