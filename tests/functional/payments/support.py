"""Helpers for payments tests: orders placed through the real checkout services, and what the database says."""

from sqlalchemy import func, select

from storefront import jobs
from storefront.cart import services as carts
from storefront.catalog.models import Product, ProductKind
from storefront.checkout.services import ReviewLine, review
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.orders import services as orders
from storefront.orders.models import Order, OrderEvent, PaymentEvent
from tests.factories import make_product


def physical_product(price_cents=2000, stock=5, **kwargs):
    return make_product(price_cents=price_cents, kind=ProductKind.PHYSICAL, stock=stock, **kwargs)


def place_stripe_order(*lines, email="buyer@example.com", cart=None):
    """Place a pending Stripe order for (product, quantity) lines through the checkout services, with a session id."""
    order = orders.place_order(
        review([ReviewLine(product, quantity) for product, quantity in lines]),
        email,
        gateway="stripe",
        cart_id=cart.id if cart is not None else None,
    )
    jobs.commit()
    order.gateway_session_id = f"cs_test_{order.number}"
    db.session.commit()
    return order


def cart_with(*lines):
    cart = carts.get_or_create_cart()
    for product, quantity in lines:
        carts.add_item(cart, product.id, quantity)
    db.session.commit()
    return cart


def reload(order):
    """The order as the database has it now (requests commit in their own sessions)."""
    db.session.expire_all()
    return db.session.get(Order, order.id)


def stock_of(product):
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def payment_events(order, kind=None):
    query = select(PaymentEvent).where(PaymentEvent.order_id == order.id).order_by(PaymentEvent.id)
    if kind is not None:
        query = query.where(PaymentEvent.kind == kind)
    return db.session.scalars(query).all()


def status_changes(order):
    query = select(OrderEvent.to_status).where(OrderEvent.order_id == order.id, OrderEvent.from_status.is_not(None))
    return db.session.scalars(query.order_by(OrderEvent.id)).all()


def confirmations_sent(order):
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.subject == f"Your order {order.number}")
    return db.session.scalar(query)
