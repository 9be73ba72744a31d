"""Admin: the audit log, newest first, filterable by action. Read-only: no route edits or deletes an audit row."""

from flask import render_template, request
from sqlalchemy import select

from storefront.admin import bp
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.integers import page_number
from storefront.orders.models import Order

PAGE_SIZE = 50


def known_actions():
    """Every action recorded so far, for the filter's choices."""
    return db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()


@bp.get("/audit")
def audit_log():
    """`?action=order.ship` keeps one kind of action; an unknown action simply matches nothing."""
    action = request.args.get("action", "").strip()[:60]
    statement = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    page = request.args.get("page", 1, type=page_number)
    events = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "admin/audit.html", events=events, action=action, actions=known_actions(), order_numbers=_numbers(events.items)
    )


def _numbers(events):
    """{order id: order number} for the rows on this page, to link each to its order's panel."""
    ids = {event.order_id for event in events if event.order_id is not None}
    return dict(db.session.execute(select(Order.id, Order.number).where(Order.id.in_(ids))).all()) if ids else {}
