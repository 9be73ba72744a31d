"""The cart's "remind me" box (unticked until the shopper ticks it) and the page a reminder's link opens."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from storefront.cart import bp, reminders
from storefront.cart.current import current_cart, remember_guest_cart
from storefront.cart.forms import ReminderForm
from storefront.extensions import db
from storefront.htmx import is_htmx

INVALID = 422
REMINDER = "cart/_partials/reminder.html"


def _user():
    return current_user if current_user.is_authenticated else None


def _reminder_answer(cart, status=200, error=None):
    if is_htmx() or status != 200:
        return render_template(REMINDER, cart=cart, reminder_error=error), status
    flash("We will remind you once." if cart.reminder_email else "No reminder will be sent.", "info")
    return redirect(url_for("cart.show"), code=303)


@bp.post("/reminder")
def reminder():
    """Record (or, unticked, withdraw) consent to one reminder about this cart."""
    cart = current_cart()
    if cart is None or not cart.items:
        abort(404)
    form = ReminderForm()
    email = _user().email if _user() else form.email.data
    if not form.validate() or (form.remind.data and not email):
        error = " ".join(e for errors in form.errors.values() for e in errors) or "Enter your email for the reminder."
        return _reminder_answer(cart, INVALID, error)
    reminders.record_consent(cart, email, form.remind.data)
    db.session.commit()
    return _reminder_answer(cart)


def _linked_cart(token):
    cart = reminders.cart_for_restore(token)
    if cart is None:
        abort(404)
    return cart


@bp.get("/restore/<token>")
def restore_page(token):
    """What the reminder's link opens: the cart's items and a button to get them back (a GET changes nothing)."""
    return render_template("cart/restore.html", cart=_linked_cart(token), token=token)


@bp.post("/restore/<token>")
def restore(token):
    try:
        cart = reminders.restore(_linked_cart(token), _user())
    except reminders.NotYourCart as refused:
        flash(str(refused), "info")
        return redirect(url_for("accounts.login", next=url_for("cart.restore_page", token=token)), code=303)
    db.session.commit()
    if cart.user_id is None:
        remember_guest_cart(cart.token)
    flash("Your cart is back, as you left it.", "success")
    return redirect(url_for("cart.show"), code=303)
