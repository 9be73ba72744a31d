"""Admin: the orders table. Filters, search, sort and keyset pages come from the query string, so every view can be
bookmarked; htmx swaps only the table body (`_partials/rows.html`, which the page includes) and pushes the URL."""

from flask import current_app, render_template, request, url_for
from sqlalchemy import func, select

from storefront.admin import bp
from storefront.admin.orders.filters import OrderFilterForm
from storefront.extensions import db
from storefront.htmx import render_page_or_fragment
from storefront.orders import search
from storefront.orders.models import Order

PAGE_SIZE = 50
PAGE = "admin/orders/index.html"
ROWS = "admin/orders/_partials/rows.html"


def orders_needing_attention_count():
    return db.session.scalar(select(func.count(Order.id)).where(Order.needs_attention.is_(True)))


@bp.get("/orders")
def orders_page():
    """A page of the orders the query string selects (see OrderFilterForm); 400 naming the bad filter otherwise."""
    form = OrderFilterForm(request.args)
    if not form.validate():
        return render_page_or_fragment(PAGE, ROWS, status=400, form=form)
    order_filter = form.order_filter()
    page = search.orders_page(order_filter, PAGE_SIZE, after=form.after.cursor, before=form.before.cursor)
    summary = search.summarise(order_filter)
    return render_page_or_fragment(PAGE, ROWS, form=form, orders=page, summary=summary, detail_url=order_detail_url)


def bad_filters_page(form):
    """The full orders page listing `form`'s errors, with status 400 (for URLs that are not htmx swaps)."""
    return render_template(PAGE, form=form), 400


def order_detail_url(number):
    """The order's own admin page, or None while the app has none (`admin.order_detail` is added separately)."""
    if "admin.order_detail" not in current_app.view_functions:
        return None
    return url_for("admin.order_detail", number=number)
