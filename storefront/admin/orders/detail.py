"""Admin: one order's panel (everything about the order on one page, swapped in place by htmx) and its packing
slip. The panel's actions live in `actions`; they re-render the panel through `render_panel`."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort, render_template
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.admin import bp
from storefront.admin.orders.forms import NoteForm, ResolveForm, ShipForm
from storefront.audit.models import AuditEvent
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.fulfilment import services as fulfilment
from storefront.htmx import render_page_or_fragment
from storefront.mail.models import EmailDelivery
from storefront.orders.models import Order, OrderNote
from storefront.renders.models import Rendition

PAGE = "admin/orders/detail.html"
PANEL = "admin/orders/_partials/panel.html"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the order's history: a status change or fact (OrderEvent) or an admin's action (AuditEvent)."""

    at: datetime
    text: str
    actor: str | None = None
    action: str | None = None


def order_or_404(number):
    """The order with this number; 404 when there is none."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort(404)
    return order


def timeline(order):
    """The order's events and the audit rows about it, oldest first (ties keep events before admin actions)."""
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.order_id == order.id).order_by(AuditEvent.id))
    entries = [TimelineEntry(event.created_at, event.message) for event in order.events]
    entries += [TimelineEntry(row.created_at, row.message, row.actor_email, row.action) for row in audits]
    return sorted(entries, key=lambda entry: entry.at)


def emails_sent(order):
    """Every email about this order: their unique keys all start `order:<id>:`."""
    statement = select(EmailDelivery).where(EmailDelivery.unique_key.startswith(f"order:{order.id}:"))
    return db.session.scalars(statement.order_by(EmailDelivery.id)).all()


def _item_ids(order):
    return [item.id for item in order.items]


def entitlements(order):
    statement = select(DownloadEntitlement).where(DownloadEntitlement.order_item_id.in_(_item_ids(order)))
    return db.session.scalars(statement.order_by(DownloadEntitlement.order_item_id, DownloadEntitlement.id)).all()


def renditions(order):
    statement = select(Rendition).where(Rendition.order_item_id.in_(_item_ids(order))).order_by(Rendition.id)
    return db.session.scalars(statement).all()


def notes(order):
    statement = select(OrderNote).where(OrderNote.order_id == order.id).order_by(OrderNote.id)
    return db.session.scalars(statement).all()


def blank_forms():
    """The panel's forms, empty (formdata=None: a re-render after a POST must not echo what was posted)."""
    return {
        "note": NoteForm(formdata=None),
        "resolve": ResolveForm(formdata=None),
        "ship": ShipForm(formdata=None),
    }


def panel_context(order, forms=None, error=None):
    """Everything the panel shows; `forms` replaces some blank forms (one with errors), `error` is a refusal."""
    return {
        "order": order,
        "customer": db.session.get(User, order.user_id) if order.user_id else None,
        "lines_to_ship": fulfilment.lines_to_ship(order),
        "can_ship": fulfilment.can_ship(order),
        "entitlements": entitlements(order),
        "renditions": renditions(order),
        "emails": emails_sent(order),
        "notes": notes(order),
        "timeline": timeline(order),
        "forms": {**blank_forms(), **(forms or {})},
        "panel_error": error,
    }


def render_panel(order, status=200, forms=None, error=None):
    """The full page for a plain request, the panel alone for htmx (Vary: HX-Request either way)."""
    return render_page_or_fragment(PAGE, PANEL, status=status, **panel_context(order, forms, error))


@bp.get("/orders/<number>")
def order_detail(number):
    return render_panel(order_or_404(number))


@bp.get("/orders/<number>/packing-slip")
def packing_slip(number):
    """A plain page to print (the browser's Print): address and the physical items still to send."""
    order = order_or_404(number)
    return render_template("admin/orders/packing_slip.html", order=order, lines=fulfilment.lines_to_ship(order))
