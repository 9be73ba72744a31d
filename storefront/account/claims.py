"""Guest orders joining an account: an order placed without logging in belongs to whoever proves its email.

Kept apart from the account services so the sign-up confirmation (`storefront.accounts.services`) can call it without
an import cycle."""

from sqlalchemy import select, update

from storefront.extensions import db
from storefront.orders.models import Order, OrderEvent


def claim_guest_orders(user):
    """Give `user` every guest order (placed with no account) under its email, and return their numbers.

    Only for an address its owner has proved (a confirmation link, a password reset): an unconfirmed account claims
    nothing. Orders of another account are never touched (`user_id IS NULL`), so running it again changes nothing.
    Each claimed order's timeline says so. The caller commits."""
    if user.email_confirmed_at is None:
        return []
    guest_orders = select(Order.id, Order.number).where(Order.user_id.is_(None), Order.email == user.email)
    claimed = db.session.execute(guest_orders.with_for_update()).all()
    if not claimed:
        return []
    db.session.execute(
        update(Order)
        .where(Order.id.in_([row.id for row in claimed]), Order.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session="fetch")
    )
    message = f"Joined the account of {user.email}, whose owner confirmed this email."
    db.session.add_all(OrderEvent(order_id=row.id, message=message) for row in claimed)
    return [row.number for row in claimed]
