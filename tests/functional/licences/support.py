"""Helpers for licence-key tests: licensed products set up through the admin's services, and what the database
holds."""

from sqlalchemy import select

from storefront import jobs
from storefront.accounts.models import Role, User
from storefront.extensions import db
from storefront.licences import pool
from storefront.licences.models import LicenceKey
from storefront.orders.models import Order, OrderItem
from tests.factories import make_user
from tests.functional.checkout.support import digital, order_paid_on

ADMIN = "keeper@example.com"


def shop_admin():
    return db.session.scalar(select(User).where(User.email == ADMIN)) or make_user(ADMIN, role=Role.ADMIN)


def licensed(mode, keys=(), **kwargs):
    """A published download issuing a key per unit (`generated` or `pool`), its pool filled with `keys`."""
    product = digital(**kwargs)
    pool.set_policy(product, mode, shop_admin())
    if keys:
        pool.add_to_pool(product, "\n".join(keys), shop_admin())
    jobs.commit()
    return product


def refill(product, keys):
    added = pool.add_to_pool(product, "\n".join(keys), shop_admin())
    jobs.commit()
    return added


def keys_of(order, live_only=False):
    """The order's keys as the database holds them now, by item then unit."""
    db.session.expire_all()
    query = (
        select(LicenceKey)
        .join(OrderItem, OrderItem.id == LicenceKey.order_item_id)
        .where(OrderItem.order_id == order.id)
        .order_by(OrderItem.id, LicenceKey.unit)
    )
    if live_only:
        query = query.where(LicenceKey.revoked_at.is_(None))
    return db.session.scalars(query).all()


def buy(shopper, product, quantity=1, email="guest@example.com"):
    """A shopper puts `quantity` of `product` in the cart, checks out and pays with the dummy gateway."""
    assert shopper.add(product, quantity).status_code == 303
    response = shopper.check_out(email)
    assert response.status_code == 303, response.get_data(as_text=True)
    order = order_paid_on(response)
    shopper.pay(order)
    db.session.expire_all()
    return db.session.get(Order, order.id)


def order_page(client, order):
    return client.get(f"/checkout/complete/{order.number}")
