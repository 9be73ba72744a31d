"""Reminding a shopper, with their consent, about a cart they left: consent is recorded by ticking an unticked box,
one reminder at most goes out CART_REMINDER_DELAY_MINUTES after the cart was last changed (found by a periodic job),
never once the cart was bought, and its signed link brings that very cart back. Callers commit."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import exists, select, update

from storefront import jobs
from storefront.cart.models import Cart, CartItem, CartStatus
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.orders.models import Order
from storefront.urls import external_url

RESTORE_SALT = "storefront.cart.restore"
RESTORE_MAX_AGE = timedelta(days=30)
BATCH_SIZE = 100


def record_consent(cart, email, wanted):
    """Remember (or, unticked, forget) that the shopper wants one reminder at `email` about `cart`."""
    cart.reminder_email = email.strip() if wanted and email else None
    cart.reminder_consent_at = utcnow() if cart.reminder_email else None


def _bought(cart_id):
    return exists().where(Order.cart_id == cart_id, Order.paid_at.is_not(None))


def still_open(cart):
    """The cart still holds items and no order from it was paid."""
    has_items = exists().where(CartItem.cart_id == cart.id)
    return db.session.scalar(select(has_items & ~_bought(cart.id)))


def _due(now):
    cutoff = now - timedelta(minutes=current_app.config["CART_REMINDER_DELAY_MINUTES"])
    return (
        select(Cart.id, Cart.reminder_email)
        .where(
            Cart.reminder_email.is_not(None),
            Cart.reminder_sent_at.is_(None),
            Cart.reminder_consent_at < cutoff,
            Cart.touched_at < cutoff,
            exists().where(CartItem.cart_id == Cart.id),
            ~_bought(Cart.id),
        )
        .order_by(Cart.id)
        .limit(BATCH_SIZE)
    )


def _claim(cart_id, now):
    """Mark the cart reminded; False when another run got there first."""
    claimed = update(Cart).where(Cart.id == cart_id, Cart.reminder_sent_at.is_(None)).values(reminder_sent_at=now)
    return db.session.execute(claimed.execution_options(synchronize_session=False)).rowcount == 1


def queue_due_reminders(now=None):
    """Queue the reminder of every consenting cart left long enough, in batches, each committed; returns how many.
    The claim and the email's unique key make it once per cart, however often this runs."""
    now, queued = now or utcnow(), 0
    while batch := db.session.execute(_due(now)).all():
        for cart_id, email in batch:
            if _claim(cart_id, now):
                queued += queue_email("cart_reminder", f"cart:{cart_id}:reminder", email, cart_id=cart_id) is not None
        jobs.commit()
    return queued


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=RESTORE_SALT)


def restore_url(cart):
    return external_url("cart.restore_page", token=_serializer().dumps(cart.id))


def cart_for_restore(token):
    """The cart a restore link names, or None for an expired, forged or mangled link or a cart gone since."""
    if not token or len(token) > 200:
        return None
    try:
        cart_id = _serializer().loads(token, max_age=RESTORE_MAX_AGE.total_seconds())
    except (BadData, ValueError, TypeError):
        return None
    return db.session.get(Cart, cart_id) if isinstance(cart_id, int) else None


def reopen(cart):
    """Make a left cart the active one again (an abandoned cart is found again), as if just changed."""
    cart.status = CartStatus.ACTIVE.value
    cart.touched_at = utcnow()


class NotYourCart(Exception):
    """The link is for an account's cart and the visitor is not logged in as that account."""


def restore(cart, user):
    """Bring back the cart a reminder linked to, for `user` (None for a guest): an account's cart only for its owner;
    a guest cart is reopened, and merged into the account's cart when someone is logged in. Returns the cart the
    visitor now has; a guest cart's token is then theirs to keep in the cookie."""
    if cart.user_id is not None and (user is None or user.id != cart.user_id):
        raise NotYourCart("Log in to the account this cart belongs to, and it will be waiting.")
    reopen(cart)
    if cart.user_id is None and user is not None:
        from storefront.cart.services import merge_into_user_cart

        return merge_into_user_cart(cart.token, user)
    return cart
