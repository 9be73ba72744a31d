"""Cart pages. htmx requests get the cart fragment plus an out-of-band header count; plain form posts
redirect back, so the cart works without JavaScript too."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import user_logged_in
from sqlalchemy.exc import IntegrityError

from storefront.cart import bp, services
from storefront.cart.current import current_cart, current_or_new_cart, forget_guest_cart, guest_cart_token
from storefront.cart.forms import AddToCartForm, QuantityForm
from storefront.checkout.services import review_cart
from storefront.extensions import db
from storefront.htmx import is_htmx, render_page_or_fragment
from storefront.renders.personalisation import values_from
from storefront.urls import is_safe_next

INVALID = 422
bp.add_app_template_global(services.max_quantity, "max_quantity")


def _render_cart(cart, status=200, error=None, typed=None):
    """The cart; `typed` (cart item id -> the buyer's refused text) keeps a failed edit in its form."""
    review = review_cart(cart) if cart is not None else None
    return render_page_or_fragment(
        "cart/cart.html",
        "cart/_partials/cart_update.html",
        status=status,
        cart=cart,
        review=review,
        error=error,
        typed=typed or {},
    )


def _form_errors(form):
    return " ".join(error for errors in form.errors.values() for error in errors)


def _refuse_add(error):
    """htmx adds come from a product page, whose #add-status gets a status line; a plain post gets the cart page."""
    if is_htmx():
        return render_template("cart/_partials/add_refused.html", error=error, cart=current_cart()), INVALID
    return _render_cart(current_cart(), INVALID, error)


@bp.get("/")
def show():
    return _render_cart(current_cart())


@bp.post("/add")
def add():
    form = AddToCartForm()
    if not form.validate():
        return _refuse_add(_form_errors(form))
    cart = current_or_new_cart()
    try:
        item = services.add_item(cart, form.product_id.data, form.quantity.data, values_from(request.form))
        db.session.commit()
    except services.CartError as refused:
        db.session.rollback()
        return _refuse_add(str(refused))
    except IntegrityError:
        # The same product added twice at once (a double click): the other request's line stands.
        db.session.rollback()
        return _refuse_add("That item was just added to your cart.")
    if is_htmx():
        return render_template("cart/_partials/added.html", item=item, cart=cart)
    flash(f"Added {item.product.title} to your cart.", "success")
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("cart.show"), code=303)


def _change(action, typed=None):
    cart = current_cart()
    if cart is None:
        return _render_cart(None, 404, "Your cart is empty.")
    try:
        action(cart)
    except services.CartItemNotFound as missing:
        db.session.rollback()
        return _render_cart(cart, 404, str(missing))
    except services.CartError as refused:
        db.session.rollback()
        db.session.refresh(cart)
        return _render_cart(cart, INVALID, str(refused), typed)
    db.session.commit()
    return _render_cart(cart) if is_htmx() else redirect(url_for("cart.show"), code=303)


@bp.post("/items/<int:item_id>")
def update(item_id):
    form = QuantityForm()
    if not form.validate():
        return _render_cart(current_cart(), INVALID, _form_errors(form))
    return _change(lambda cart: services.set_quantity(cart, item_id, form.quantity.data))


@bp.post("/items/<int:item_id>/personalisation")
def personalise(item_id):
    """Change a personalised line's text before paying; refused text comes back in its form with a 422."""
    values = values_from(request.form)
    return _change(lambda cart: services.set_personalisation(cart, item_id, values), typed={item_id: values})


@bp.post("/items/<int:item_id>/remove")
def remove(item_id):
    return _change(lambda cart: services.remove_item(cart, item_id))


@bp.post("/clear")
def clear():
    return _change(services.clear)


@bp.app_context_processor
def cart_in_header():
    """Every page's header shows the cart count; loaded only when a template asks for it."""
    return {"header_cart": current_cart}


@user_logged_in.connect
def merge_guest_cart(_app, user, **_extra):
    if services.merge_into_user_cart(guest_cart_token(), user) is not None:
        db.session.commit()
        forget_guest_cart()
