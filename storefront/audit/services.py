"""Writing audit rows. Callers own the transaction: the row commits (or rolls back) with the change it records."""

from storefront.audit.models import AuditEvent
from storefront.extensions import db


def record_admin_action(actor, action, subject, message="", before=None, after=None, order=None):
    """Add an audit row for `actor` doing `action` to `subject` (a model instance with an id).

    `order` ties the row to an order's timeline (defaults to `subject` when it is an order)."""
    from storefront.orders.models import Order

    order = order if order is not None else (subject if isinstance(subject, Order) else None)
    event = AuditEvent(
        actor_id=actor.id,
        actor_email=actor.email,
        action=action,
        subject_type=type(subject).__tablename__,
        subject_id=str(subject.id),
        order_id=order.id if order is not None else None,
        before=before,
        after=after,
        message=message,
    )
    db.session.add(event)
    return event
