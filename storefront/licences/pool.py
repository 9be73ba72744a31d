"""The back office side of licence keys: a product's policy, its pool (filled from pasted or uploaded lists,
duplicates refused), pools running low, and issuing pending keys once a pool is refilled. Callers commit."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from storefront.audit.services import record_admin_action
from storefront.catalog.models import Product
from storefront.downloads.services import DELIVERED
from storefront.extensions import db
from storefront.licences import services
from storefront.licences.keys import PoolRefused, describe_duplicates, parse_key_list
from storefront.licences.models import LicenceGrant, LicenceKey, LicenceMode, LicencePolicy
from storefront.mail import queue_email
from storefront.orders.models import Order

# Existing keys are looked up this many at a time (well under every database's bound-parameter limit).
LOOKUP_CHUNK = 500
MODE_LABELS = {
    LicenceMode.NONE: "No licence keys",
    LicenceMode.GENERATED: "Generate a random key per unit",
    LicenceMode.POOL: "Draw a key per unit from an uploaded pool",
}


def set_policy(product, mode, actor):
    """Set how `product` issues keys; raises PoolRefused for an unknown mode. Audited."""
    try:
        mode = LicenceMode(mode)
    except ValueError:
        raise PoolRefused("Choose how licence keys are issued: none, generated or from a pool.") from None
    policy = db.session.get(LicencePolicy, product.id) or LicencePolicy(product_id=product.id)
    before = policy.mode
    policy.mode = mode.value
    db.session.add(policy)
    record_admin_action(actor, "product.licence_policy", product, MODE_LABELS[mode], {"mode": before}, {"mode": mode})
    return mode


def available(product_id):
    """Keys waiting in the product's pool."""
    query = select(func.count(LicenceKey.id)).where(
        LicenceKey.product_id == product_id, LicenceKey.order_item_id.is_(None)
    )
    return db.session.scalar(query)


def _already_known(keys):
    found = set()
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        found.update(db.session.scalars(select(LicenceKey.key).where(LicenceKey.key.in_(chunk))))
    return found


def add_to_pool(product, text, actor):
    """Add the keys of a pasted or uploaded list to `product`'s pool, then issue keys pending for it; returns
    (keys added, keys issued to waiting orders). Raises PoolRefused, adding nothing, for a malformed list or one
    holding a key already known (in any pool, or issued)."""
    keys = parse_key_list(text)
    known = _already_known(keys)
    if known:
        raise PoolRefused(describe_duplicates(known))
    rows = [{"product_id": product.id, "key": key, "source": LicenceMode.POOL.value} for key in keys]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(LicenceKey), rows)
    except IntegrityError:
        raise PoolRefused("Some of these keys were added by someone else a moment ago; nothing was added.") from None
    record_admin_action(actor, "product.licence_pool", product, f"Added {len(keys)} licence keys to the pool.")
    return len(keys), issue_pending(product.id)


def issue_pending(product_id):
    """Issue keys to paid orders still waiting for this product's keys, oldest first, while the pool lasts; each
    order served is emailed its keys (once per number of keys it holds). Returns keys issued."""
    order_ids = db.session.scalars(
        select(LicenceGrant.order_id)
        .join(Order, Order.id == LicenceGrant.order_id)
        .where(LicenceGrant.product_id == product_id, Order.status.in_([s.value for s in DELIVERED]))
        .group_by(LicenceGrant.order_id)
        .order_by(func.min(LicenceGrant.created_at), LicenceGrant.order_id)
    ).all()
    issued = 0
    for order_id in order_ids:
        order = _lock(order_id)
        served = services.sync_order(order)
        if served:
            _tell_shopper(order)
            issued += served
    return issued


def _lock(order_id):
    statement = select(Order).where(Order.id == order_id).with_for_update()
    return db.session.scalar(statement.execution_options(populate_existing=True))


def _tell_shopper(order):
    live = sum(len(entry.live_keys) for entry in services.order_licences(order))
    queue_email("licence_keys_ready", f"order:{order.id}:licences:{live}", order.email, order_id=order.id)


@dataclass(frozen=True)
class PoolSummary:
    """What the product's editor shows about its keys."""

    mode: LicenceMode
    available: int
    pending: int
    threshold: int

    @property
    def low(self):
        return self.mode is LicenceMode.POOL and self.available < self.threshold


def _threshold():
    return current_app.config["LICENCE_POOL_LOW_THRESHOLD"]


def pending_units(product_id):
    """Units of paid orders still waiting for one of this product's keys."""
    grants = db.session.scalars(
        select(LicenceGrant)
        .join(Order, Order.id == LicenceGrant.order_id)
        .where(LicenceGrant.product_id == product_id, Order.status.in_([s.value for s in DELIVERED]))
    ).all()
    orders = {grant.order_id: db.session.get(Order, grant.order_id) for grant in grants}
    return sum(
        entry.pending
        for order in orders.values()
        for entry in services.order_licences(order)
        if entry.item.product_id == product_id
    )


def summary(product):
    mode = services.policy_mode(product.id)
    return PoolSummary(mode, available(product.id), pending_units(product.id), _threshold())


def low_pools():
    """Products drawing keys from a pool holding fewer than LICENCE_POOL_LOW_THRESHOLD, emptiest first, as
    (product, keys left) pairs for the dashboard."""
    left = func.count(LicenceKey.id).filter(LicenceKey.order_item_id.is_(None))
    rows = db.session.execute(
        select(Product, left)
        .join(LicencePolicy, LicencePolicy.product_id == Product.id)
        .outerjoin(LicenceKey, LicenceKey.product_id == Product.id)
        .where(LicencePolicy.mode == LicenceMode.POOL.value, Product.archived_at.is_(None))
        .group_by(Product.id)
        .having(left < _threshold())
        .order_by(left, Product.title)
    ).all()
    return [(product, count) for product, count in rows]
