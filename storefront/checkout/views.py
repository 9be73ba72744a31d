"""Checkout: review what will be charged, place the pending order, hand over to the gateway, then watch
the order's status until the payment settles."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storefront import jobs
from storefront.cart import reminders
from storefront.cart.current import current_cart
from storefront.cart.models import Cart
from storefront.checkout import bp
from storefront.checkout.access import refuse_blocked_user, require_current_terms
from storefront.checkout.forms import BuyNowForm, CheckoutForm
from storefront.checkout.services import review_buy_now, review_cart
from storefront.downloads.services import order_delivery
from storefront.extensions import db
from storefront.htmx import STOP_POLLING, render_page_or_fragment
from storefront.legal import services as legal
from storefront.orders import services as orders
from storefront.orders.access import get_viewable_order, remember_order
from storefront.orders.cancel import StillPaying, cancel_if_pending, close_checkout, end_earlier_orders
from storefront.orders.status import OrderStatus
from storefront.payments.gateways import PaymentGatewayError, get_gateway, open_payment_page
from storefront.promotions import services as promotions

INVALID = 422
# The gateway name of orders that cost nothing: no payment page, no provider.
FREE = "free"


def _user():
    return current_user if current_user.is_authenticated else None


def _render_review(form, review, status=200, error=None):
    return render_template("checkout/review.html", form=form, review=review, error=error), status


@bp.get("/")
def review():
    refuse_blocked_user()
    require_current_terms()
    cart = current_cart()
    if cart is None or not cart.items:
        flash("Your cart is empty.", "info")
        return redirect(url_for("cart.show"))
    return _render_review(CheckoutForm(source="cart"), review_cart(cart))


@bp.post("/buy-now")
def buy_now():
    """Straight to checkout with one product, leaving the cart as it is."""
    refuse_blocked_user()
    require_current_terms()
    choice = BuyNowForm()
    if not choice.validate():
        abort(400)
    found = review_buy_now(choice.product_id.data, choice.quantity.data)
    if found is None:
        abort(404)
    form = CheckoutForm(
        formdata=None, source="buy_now", product_id=choice.product_id.data, quantity=choice.quantity.data
    )
    return _render_review(form, found)


def _review_for(form):
    if form.source.data == "buy_now":
        return review_buy_now(form.product_id.data or 0, form.quantity.data or 1), None
    cart = current_cart()
    return (review_cart(cart), cart) if cart is not None and cart.items else (None, None)


@bp.post("/")
def place():
    refuse_blocked_user()
    require_current_terms()
    form = CheckoutForm()
    found, cart = _review_for(form)
    if found is None:
        return _nothing_to_check_out()
    email = current_user.email if _user() else form.email.data
    answer = _answer_before_placing(form, found, email)
    if answer is not None:
        return answer
    cart_id = cart.id if cart is not None else None
    try:
        end_earlier_orders(cart_id)
    except StillPaying as paying:
        return _wait_for(paying.order)
    except PaymentGatewayError as unavailable:
        jobs.rollback()
        return _render_review(form, found, 503, str(unavailable))
    jobs.commit()
    # Reviewed again: the stock an earlier order from this cart held is back on the shelf for this one.
    found = _review_for(form)[0]
    if found is None:
        return _nothing_to_check_out()
    if not found.can_pay:
        return _render_review(form, found, INVALID, "Some items need your attention before paying.")
    return _place(form, found, email, cart_id)


def _apply_code(form, found):
    """Take the promotion code's discount off `found`; True (with the reason on the field) when it is refused."""
    if not form.promo_code.data:
        return False
    try:
        promo = promotions.check_code(form.promo_code.data, found.subtotal_cents, found.currency)
    except promotions.PromoRefused as refused:
        form.promo_code.errors = [*form.promo_code.errors, str(refused)]
        return True
    found.promo_code_id = promo.id
    found.discount_cents = promotions.discount_cents(promo, found.subtotal_cents)
    return False


def _redeem(form, found):
    """Inside the placing transaction: hold the code's lock, then check it again (its last redemption may have gone
    a moment ago). Raises CheckoutError with the reason."""
    if not form.promo_code.data:
        return
    promotions.lock_code(found.promo_code_id)
    try:
        promotions.check_code(form.promo_code.data, found.subtotal_cents, found.currency)
    except promotions.PromoRefused as refused:
        raise orders.CheckoutError(str(refused)) from None


def _answer_before_placing(form, found, email):
    """The review again when the form is invalid, the code refused, or the shopper only applied a code; else None."""
    if not form.validate() or not email:
        if not email:
            form.email.errors = [*form.email.errors, "Enter your email so we can send the receipt."]
        return _render_review(form, found, INVALID)
    refused = _apply_code(form, found)
    if refused or request.form.get("action") == "apply":
        return _render_review(form, found, INVALID if refused else 200)
    return None


def _nothing_to_check_out():
    flash("There is nothing to check out.", "info")
    return redirect(url_for("cart.show"), code=303)


def _place(form, found, email, cart_id):
    """Place the order (stock taken, totals from the database), then complete it if free or hand it to the gateway."""
    gateway = get_gateway()
    if _apply_code(form, found):
        return _render_review(form, found, INVALID)
    free = found.total_cents == 0
    try:
        _redeem(form, found)
        if form.remind_me.data and cart_id is not None:
            reminders.record_consent(db.session.get(Cart, cart_id), email, True)
        order = orders.place_order(found, email, _user(), FREE if free else gateway.name, cart_id)
        legal.record_guest_checkout(order)
        if free:
            orders.complete_free_order(order)
    except orders.CheckoutError as refused:
        jobs.rollback()
        return _render_review(form, _review_for(form)[0], 409, str(refused))
    jobs.commit()
    remember_order(order)
    if free:
        return redirect(url_for("checkout.complete", number=order.number), code=303)
    return _hand_over_to_gateway(order, gateway)


def _wait_for(order):
    """The cart's earlier order is being paid: show it rather than take a second payment for the same cart."""
    jobs.rollback()
    remember_order(order)
    flash(f"Your payment for order {order.number} is being confirmed, so we did not start another.", "info")
    return redirect(url_for("checkout.complete", number=order.number), code=303)


def _hand_over_to_gateway(order, gateway):
    try:
        session = gateway.create_checkout_session(order)
    except PaymentGatewayError as unavailable:
        orders.give_up(order, OrderStatus.CANCELED, "The payment provider could not be reached.")
        jobs.commit()
        flash(str(unavailable), "error")
        return redirect(url_for("cart.show"), code=303)
    order.gateway_session_id = session.id
    db.session.commit()
    return redirect(session.url, code=303)


@bp.get("/complete/<number>")
def complete(number):
    """Where the shopper lands after paying; the status fragment polls until the payment settles and the files
    are ready."""
    order = get_viewable_order(number)
    return render_template("checkout/complete.html", order=order, delivery=order_delivery(order))


@bp.get("/status/<number>")
def status(number):
    order = get_viewable_order(number)
    delivery = order_delivery(order)
    response = render_page_or_fragment(
        "checkout/complete.html", "checkout/_partials/status.html", order=order, delivery=delivery
    )
    if (order.is_settled or order.needs_attention) and not delivery.preparing:
        response.status_code = STOP_POLLING
    return response


@bp.get("/returned/<number>")
def returned(number):
    """The gateway's "back" link: offer to cancel, or let the order expire on its own."""
    order = get_viewable_order(number)
    return render_template("checkout/returned.html", order=order, delivery=order_delivery(order))


@bp.get("/resume/<number>")
def resume(number):
    """The "Resume payment" button after leaving the gateway: back to the same checkout while the provider keeps it
    open; otherwise the order page, which says where the order stands."""
    order = get_viewable_order(number)
    try:
        page = open_payment_page(order)
    except PaymentGatewayError as unavailable:
        flash(str(unavailable), "error")
        return redirect(url_for("checkout.returned", number=number), code=303)
    return redirect(page or url_for("checkout.complete", number=number), code=303)


@bp.post("/cancel/<number>")
def cancel(number):
    """Cancel a pending order: its stock goes back and the cart stays as it was. An order that is no longer
    pending (paid meanwhile, or canceled already) is shown on its order page instead."""
    order = get_viewable_order(number)
    if order.status != OrderStatus.PENDING:
        return redirect(url_for("checkout.complete", number=number), code=303)
    try:
        closed = close_checkout(order)
    except PaymentGatewayError as unavailable:
        flash(str(unavailable), "error")
        return redirect(url_for("checkout.returned", number=number), code=303)
    if not closed:
        flash("Your payment is being confirmed, so this order cannot be canceled now.", "info")
        return redirect(url_for("checkout.complete", number=number), code=303)
    if not cancel_if_pending(order.id, "Canceled by the shopper."):
        jobs.rollback()
        return redirect(url_for("checkout.complete", number=number), code=303)
    jobs.commit()
    flash(f"Order {number} was canceled; your cart is as you left it.", "info")
    return redirect(url_for("cart.show"), code=303)
