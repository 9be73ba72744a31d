from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from storefront.extensions import db, limiter
from storefront.orders.access import remember_order
from storefront.orders.forms import OrderLookupForm
from storefront.orders.models import Order

bp = Blueprint("orders", __name__, url_prefix="/orders")

NO_MATCH = "No order matches that number and email. Check both against your receipt."
# A lookup that matches lets this browser see the order and its files, so guessing number and email is slowed down.
LOOKUP_LIMIT = "10 per minute;30 per hour"


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def lookup():
    """A guest opens their order from any device with its number and email; this browser may then see it."""
    form = OrderLookupForm(number=request.args.get("number", ""))
    if not form.validate_on_submit():
        return render_template("orders/lookup.html", form=form), 422 if form.is_submitted() else 200
    order = db.session.scalar(
        select(Order).where(Order.number == form.number.data.upper(), Order.email == form.email.data.lower())
    )
    if order is None:
        return render_template("orders/lookup.html", form=form, error=NO_MATCH), 422
    remember_order(order)
    return redirect(url_for("checkout.complete", number=order.number), code=303)
