"""Order rules: placing an order atomically, moving it through its statuses, and holding or releasing stock.

Callers own the transaction (they commit); side effects are deferred until that commit.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from storefront.cart.models import CartItem
from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.downloads.services import revoke_entitlements
from storefront.events_log import events
from storefront.extensions import db
from storefront.jobs import enqueue_after_commit
from storefront.licences.services import issue_licences
from storefront.licences.services import sync_order as sync_licences
from storefront.mail import queue_email
from storefront.mail.models import EmailDelivery
from storefront.money import format_money
from storefront.orders.models import Order, OrderEvent, OrderItem, PaymentEvent
from storefront.orders.numbers import new_order_number
from storefront.orders.status import UNSOLD, InvalidOrderStatus, OrderStatus, check_transition
from storefront.refunds.ledger import items_keeping_access

NUMBER_ATTEMPTS = 5


class CheckoutError(Exception):
    """The order cannot be placed; the message is safe to show to the shopper."""


class OutOfStock(CheckoutError):
    pass


def _physical_items_in_lock_order(pairs):
    # Rows are always locked in product-id order so concurrent checkouts cannot deadlock.
    return sorted(((pid, qty) for pid, qty, is_digital in pairs if not is_digital), key=lambda pair: pair[0])


def _take_stock(pairs):
    """Subtract stock for each (product_id, quantity, is_digital); False when any product has too little."""
    for product_id, quantity in _physical_items_in_lock_order(pairs):
        taken = db.session.execute(
            update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return False
    return True


def _give_back_stock(pairs):
    for product_id, quantity in _physical_items_in_lock_order(pairs):
        db.session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock=Product.stock + quantity)
            .execution_options(synchronize_session=False)
        )


def _item_pairs(order):
    return [(item.product_id, item.quantity, item.kind == "digital") for item in order.items if item.product_id]


def record_event(order, message, from_status=None, to_status=None):
    db.session.add(OrderEvent(order_id=order.id, from_status=from_status, to_status=to_status, message=message))


def place_order(review, email, user=None, gateway="dummy", cart_id=None):
    """Create a pending order from a payable `review`, reserving stock. Raises CheckoutError / OutOfStock.

    Runs inside the caller's transaction; on OutOfStock the caller must roll back.
    """
    if not review.can_pay:
        raise CheckoutError("Your order has items that cannot be bought right now; check the cart.")
    pairs = [(line.product.id, line.quantity, line.product.is_digital) for line in review.lines]
    if not _take_stock(pairs):
        raise OutOfStock("Sorry, an item in your order just sold out. Your cart shows what is left.")
    order = Order(
        user_id=user.id if user is not None else None,
        email=email.strip().lower(),
        currency=review.currency,
        subtotal_cents=review.subtotal_cents,
        discount_cents=review.discount_cents,
        promo_code_id=review.promo_code_id,
        shipping_cents=review.shipping_cents,
        tax_cents=review.tax_cents,
        total_cents=review.total_cents,
        requires_shipping=review.requires_shipping,
        kind=_order_kind(review.lines),
        holds_stock=True,
        gateway=gateway,
        cart_id=cart_id,
        expires_at=utcnow() + timedelta(minutes=current_app.config["CHECKOUT_EXPIRES_MINUTES"]),
        items=[_order_item(line) for line in review.lines],
    )
    _insert_with_unique_number(order)
    record_event(order, "Order placed; waiting for payment.", to_status=OrderStatus.PENDING)
    events.info("order placed: %s, %s, %s", order.number, format_money(order.total_cents, order.currency), gateway)
    return order


def _order_item(line):
    """The line as sold: title, slug, kind and price copied, so the order reads the same after the product changes."""
    return OrderItem(
        product_id=line.product.id,
        title=line.product.title,
        product_slug=line.product.slug,
        kind=line.product.kind,
        unit_price_cents=line.unit_price_cents,
        quantity=line.quantity,
        personalisation=dict(line.personalisation),
    )


def _order_kind(lines):
    digital = {line.product.is_digital for line in lines}
    return "mixed" if len(digital) == 2 else ("digital" if digital == {True} else "physical")


def _insert_with_unique_number(order):
    """Give `order` a number no other order has and add it. The unique constraint backs the check up; a SAVEPOINT
    retry is avoided because on SQLite a savepoint opening the transaction commits on release."""
    for _ in range(NUMBER_ATTEMPTS):
        number = new_order_number()
        if db.session.scalar(select(Order.id).where(Order.number == number)) is None:
            order.number = number
            db.session.add(order)
            db.session.flush()
            return
    raise CheckoutError("We could not number your order. Please try again.")


def lock_order(order_id):
    """Load an order with its row locked (on Postgres) so concurrent webhooks change it one at a time."""
    # populate_existing: a copy already in the session (read before the lock) must be refreshed, not reused.
    statement = select(Order).where(Order.id == order_id).with_for_update()
    return db.session.scalar(statement.execution_options(populate_existing=True))


def set_status(order, new_status, message):
    """Move `order` to `new_status`, writing the timeline. Raises InvalidOrderStatus for an illegal move."""
    old = OrderStatus(order.status)
    new = OrderStatus(new_status)
    check_transition(old, new)
    _swap_status(order, old, new)
    record_event(order, message, from_status=old, to_status=new)
    if new in UNSOLD:
        release_stock(order)
    if new is OrderStatus.PAID:
        _on_paid(order, old)


def _swap_status(order, old, new):
    """Write `new` only if the row still says `old`, so a decision made on a stale copy of the order (one read
    before another request changed it, or on SQLite, which has no row locks) raises instead of overwriting."""
    swapped = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == old.value)
        .values(status=new.value)
        .execution_options(synchronize_session=False)
    )
    if swapped.rowcount != 1:
        raise InvalidOrderStatus(f"order {order.number} is no longer {old}: it changed while being updated")
    set_committed_value(order, "status", new.value)


def return_to_stock(quantities):
    """Put refunded physical units back on the shelf: `quantities` maps product id -> units."""
    _give_back_stock([(product_id, quantity, False) for product_id, quantity in quantities.items() if quantity])


def release_stock(order):
    """Give the order's reserved stock back, once."""
    if order.holds_stock:
        _give_back_stock(_item_pairs(order))
        order.holds_stock = False


def flag_attention(order, reason):
    """Mark `order` for a person to look at (admins filter on the flag; the shopper's page says someone will be in
    touch) and note why, in the order and its timeline. Money and goods disagree: nothing here decides how."""
    order.needs_attention = True
    order.attention_reason = f"{order.attention_reason}\n{reason}" if order.attention_reason else reason
    record_event(order, f"Needs attention: {reason}")


def _check_late_payment(order, old):
    """Money for an order we had ended: take its stock again if still there; flag what a person must settle."""
    if old is OrderStatus.CANCELED:
        flag_attention(
            order,
            "Paid after it was canceled (by the shopper, or replaced by a newer order from the "
            "same cart): refund it, or fulfil it and refund the other.",
        )
    if not order.holds_stock:
        order.holds_stock = _take_stock(_item_pairs(order))
        if not order.holds_stock:
            flag_attention(order, "Paid after its checkout had closed, and the stock ran out meanwhile.")


def _on_paid(order, old):
    events.info("order paid: %s, %s", order.number, format_money(order.total_cents, order.currency))
    order.paid_at = utcnow()
    _check_late_payment(order, old)
    if order.cart_id is not None:
        bought = [item.product_id for item in order.items]
        db.session.execute(
            CartItem.__table__.delete().where(CartItem.cart_id == order.cart_id, CartItem.product_id.in_(bought))
        )
    # Keys go out in this transaction, so the receipt queued below lists them (or says they are pending).
    issue_licences(order)
    # The files first: queued in this order, the shopper's downloads do not wait behind the confirmation's delivery.
    if any(item.kind == "digital" for item in order.items):
        job_id = f"grant-entitlements-{order.id}"
        enqueue_after_commit("storefront.downloads.tasks.grant_entitlements_job", order.id, job_id=job_id)
    queue_email("order_confirmation", f"order:{order.id}:confirmation", order.email, order_id=order.id)


def record_payment(order, kind, amount_cents, currency, provider, object_id, event_id=None):
    """Append a payment event; returns False when this provider object was already recorded with this kind."""
    try:
        with db.session.begin_nested():
            db.session.add(
                PaymentEvent(
                    order_id=order.id,
                    kind=kind,
                    amount_cents=amount_cents,
                    currency=currency.upper(),
                    provider=provider,
                    provider_object_id=object_id,
                    provider_event_id=event_id,
                )
            )
    except IntegrityError:
        return False
    db.session.expire(order, ["payment_events"])
    return True


def mark_paid(order, message):
    """The charge succeeded: the order is paid (even if we had given up on it), then refunds are applied."""
    if OrderStatus(order.status) in {OrderStatus.PENDING, *UNSOLD}:
        set_status(order, OrderStatus.PAID, message)
    apply_refunds(order)


def apply_refunds(order):
    """Derive refunded / partially refunded from the recorded money, once the order has been paid."""
    paid, refunded = order.amount_paid_cents, order.amount_refunded_cents
    if not (paid and refunded) or OrderStatus(order.status) in {OrderStatus.PENDING, *UNSOLD}:
        return
    notify_refund_issued(order, refunded)
    target = OrderStatus.REFUNDED if refunded >= paid else OrderStatus.PARTIALLY_REFUNDED
    if order.status != target:
        summary = f"{format_money(refunded, order.currency)} of {format_money(paid, order.currency)} refunded."
        set_status(order, target, summary)
        if target is OrderStatus.REFUNDED:
            # A full refund takes back every file, except those an admin's refund chose to leave with the buyer. A
            # partial refund revokes nothing here: the provider's charge.refunded names an amount, not items;
            # refunding particular items revokes theirs (storefront.refunds.services).
            kept = items_keeping_access(order.id)
            revoke_entitlements(order, [item.id for item in order.items if item.id not in kept])
    # Licence keys follow the refunded units (all of them after a full refund); see storefront.licences.services.
    sync_licences(order)


def complete_free_order(order):
    """An order that costs nothing is paid at once, with no payment page: its files and receipt follow the commit.
    Raises CheckoutError for an order that is not free."""
    if order.total_cents != 0:
        raise CheckoutError("Only an order that costs nothing completes without payment.")
    set_status(order, OrderStatus.PAID, "Nothing to pay: the order is complete.")


def give_up(order, status, message):
    """End a pending order without payment (canceled, expired or failed); later statuses are left alone."""
    if order.status == OrderStatus.PENDING:
        set_status(order, status, message)
        return True
    return False


def expire_overdue_orders(now=None):
    """Expire pending orders whose checkout window has closed, releasing their stock; returns how many.

    An order whose checkout was completed with a delayed payment method (it has a payment intent) is left alone:
    the bank's answer arrives as an async succeeded / failed event, days later for a bank debit.
    """
    overdue = db.session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.PENDING,
            Order.expires_at < (now or utcnow()),
            Order.payment_intent_id.is_(None),
        )
        .with_for_update()
    ).all()
    expired = 0
    for order in overdue:
        try:
            set_status(order, OrderStatus.EXPIRED, "Checkout window closed without payment.")
        except InvalidOrderStatus:
            continue  # paid or canceled a moment ago (SQLite has no row locks): leave it as it now is
        expired += 1
    return expired


def notify_refund_issued(order, total_refunded_cents):
    """Email the shopper about a refund, once per refunded total: the same total reported again sends nothing."""
    earlier = db.session.scalars(
        select(EmailDelivery.context).where(
            EmailDelivery.kind == "refund_issued", EmailDelivery.unique_key.startswith(f"order:{order.id}:refund:")
        )
    ).all()
    already_told = max((context["total_refunded_cents"] for context in earlier), default=0)
    if total_refunded_cents <= already_told:
        return None
    return queue_email(
        "refund_issued",
        f"order:{order.id}:refund:{total_refunded_cents}",
        order.email,
        order_id=order.id,
        amount_cents=total_refunded_cents - already_told,
        total_refunded_cents=total_refunded_cents,
    )


def notify_shipped(order, shipment):
    """Email the shopper that `shipment` of `order` left, with what it holds and its tracking link; once per
    shipment (a second call for the same one sends nothing). storefront.fulfilment.services.ship checks the
    tracking link before a shipment exists. The caller commits."""
    return queue_email(
        "order_shipped",
        f"order:{order.id}:shipment:{shipment.id}",
        order.email,
        order_id=order.id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        tracking_url=shipment.tracking_url,
        items=[{"title": line.order_item.title, "quantity": line.quantity} for line in shipment.items],
    )
