"""Admin: the orders that need a person (paid after their stock sold out, paid after they were canceled, paid a
different amount), newest first. Issue 10's full orders table builds on this page."""

from flask import render_template, request
from sqlalchemy import func, select

from storefront.admin import bp
from storefront.extensions import db
from storefront.integers import page_number
from storefront.orders.models import Order

PAGE_SIZE = 50


def orders_needing_attention_count():
    return db.session.scalar(select(func.count(Order.id)).where(Order.needs_attention.is_(True)))


@bp.get("/orders")
def orders_page():
    """Orders, newest first; `?attention=1` keeps only those flagged as needing attention."""
    attention = request.args.get("attention") == "1"
    statement = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
    if attention:
        statement = statement.where(Order.needs_attention.is_(True))
    page = request.args.get("page", 1, type=page_number)
    orders = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/orders/index.html", orders=orders, attention=attention)
