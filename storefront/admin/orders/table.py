"""Admin: the orders table. Filters, search, sort and keyset pages come from the query string, so every view can be
bookmarked; htmx swaps only the table body (`_partials/rows.html`, which the page includes) and pushes the URL.

A row whose refund waits for the payment provider polls itself (`_partials/row.html`, which rows.html includes) until
the provider's `charge.refunded` webhook settles it, so its status and amounts change in place, as the order panel's
refund section does."""

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, select

from storefront.admin import bp
from storefront.admin.orders.filters import OrderFilterForm
from storefront.extensions import db
from storefront.htmx import STOP_POLLING, is_htmx, render_page_or_fragment
from storefront.orders import search
from storefront.orders.models import Order
from storefront.refunds.models import Refund, RefundStatus

PAGE_SIZE = 50
PAGE = "admin/orders/index.html"
ROWS = "admin/orders/_partials/rows.html"
ROW = "admin/orders/_partials/row.html"


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
    pending = with_pending_refunds([order.id for order, _paid, _refunded in page.rows])
    return render_page_or_fragment(
        PAGE, ROWS, form=form, orders=page, summary=summary, detail_url=order_detail_url, pending_refunds=pending
    )


@bp.get("/orders/<number>/row")
def order_row(number):
    """One order's row of the table, for htmx: 200 while a refund of it is pending (the row keeps polling), 286 with
    the settled row once none is. A plain browser is sent to the order's panel; an unknown order is a 404."""
    row = search.order_row(number)
    if row is None:
        abort(404)
    if not is_htmx():
        return redirect(url_for("admin.order_detail", number=number))
    order, paid_cents, refunded_cents = row
    pending = bool(with_pending_refunds([order.id]))
    context = {"paid_cents": paid_cents, "refunded_cents": refunded_cents, "refund_pending": pending}
    response = make_response(render_template(ROW, order=order, detail_url=order_detail_url, **context))
    response.status_code = 200 if pending else STOP_POLLING
    response.vary.add("HX-Request")
    return response


def with_pending_refunds(order_ids):
    """The ids among `order_ids` of orders with a refund asked of the provider and not yet confirmed."""
    if not order_ids:
        return set()
    statement = select(Refund.order_id).where(Refund.order_id.in_(order_ids), Refund.status == RefundStatus.PENDING)
    return set(db.session.scalars(statement.distinct()))


def bad_filters_page(form):
    """The full orders page listing `form`'s errors, with status 400 (for URLs that are not htmx swaps)."""
    return render_template(PAGE, form=form), 400


def order_detail_url(number):
    """The order's own admin page, or None while the app has none (`admin.order_detail` is added separately)."""
    if "admin.order_detail" not in current_app.view_functions:
        return None
    return url_for("admin.order_detail", number=number)
