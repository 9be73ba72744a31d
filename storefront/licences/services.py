"""Issuing and revoking licence keys: one key per purchased unit of a product whose policy says so, generated or
drawn from its pool, when the order is paid (in that transaction); taken back by refunds.

`sync_order` is the one reconciler: each item owed keys holds as many live keys as it has units not refunded
(none once the order is refunded in full). It issues what is missing (a pool that ran dry leaves the rest pending
until it is refilled), revokes what is over, and is safe to run any number of times. Callers own the transaction.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.downloads.services import DELIVERED
from storefront.extensions import db
from storefront.licences.keys import generate_key
from storefront.licences.models import LicenceGrant, LicenceKey, LicenceMode, LicencePolicy
from storefront.orders.models import Order, OrderItem
from storefront.orders.status import OrderStatus
from storefront.refunds.ledger import refunded_quantities, refunded_quantities_of_orders

# A drawn key can be taken by another transaction between choosing and claiming it (SQLite has no SKIP LOCKED).
DRAW_ATTEMPTS = 5
GENERATE_ATTEMPTS = 3
# Seats of one licensed download a cart may hold.
MAX_SEATS = 50


def policy_mode(product_id):
    """The product's licence mode; LicenceMode.NONE without a policy."""
    # No autoflush: the cart asks while building a line (quantity still 0), which must not be flushed half-made.
    with db.session.no_autoflush:
        mode = db.session.scalar(select(LicencePolicy.mode).where(LicencePolicy.product_id == product_id))
    return LicenceMode(mode or LicenceMode.NONE)


def sells_seats(product):
    """True for a download sold with a licence key per unit: the buyer may take several (seats)."""
    if not product.is_digital:
        return False
    # No autoflush: the cart asks while building a line (quantity still 0), which must not be flushed half-made.
    with db.session.no_autoflush:
        policy = product.licence_policy
    return policy is not None and LicenceMode(policy.mode) is not LicenceMode.NONE


def load_policies(products):
    """Load the licence policies of already loaded `products` in one statement (the cart asks each line's)."""
    ids = {product.id for product in products if product is not None}
    if ids:
        statement = select(Product).where(Product.id.in_(ids)).options(selectinload(Product.licence_policy))
        db.session.scalars(statement).all()


def issue_licences(order):
    """Record what each item of a paid order is owed (once), then issue its keys. Call in the paid transaction."""
    if OrderStatus(order.status) not in DELIVERED:
        return
    _record_grants(order)
    sync_order(order)


def _record_grants(order):
    granted = set(db.session.scalars(select(LicenceGrant.order_item_id).where(LicenceGrant.order_id == order.id)))
    for item in order.items:
        if item.product_id is None or item.id in granted:
            continue
        mode = policy_mode(item.product_id)
        if mode is not LicenceMode.NONE:
            grant = LicenceGrant(
                order_item_id=item.id, order_id=order.id, product_id=item.product_id, mode=mode, units=item.quantity
            )
            db.session.add(grant)
    db.session.flush()


def grants_of(order_id):
    query = select(LicenceGrant).where(LicenceGrant.order_id == order_id).order_by(LicenceGrant.order_item_id)
    return db.session.scalars(query).all()


def keys_of(order_item_id):
    query = select(LicenceKey).where(LicenceKey.order_item_id == order_item_id).order_by(LicenceKey.unit)
    return db.session.scalars(query).all()


def _live(keys):
    return [key for key in keys if key.revoked_at is None]


def target_units(order, grant, refunded):
    """How many live keys `grant`'s item should hold now: its units less those refunded; none once refunded in full
    or while the order is not delivered."""
    if OrderStatus(order.status) not in DELIVERED:
        return 0
    return max(0, grant.units - refunded.get(grant.order_item_id, 0))


def sync_order(order):
    """Bring every item of `order` owed keys to its target (see the module's docstring); returns keys issued.
    Orders never paid (pending, canceled...) are left alone."""
    status = OrderStatus(order.status)
    if status not in DELIVERED and status is not OrderStatus.REFUNDED:
        return 0
    refunded = refunded_quantities(order.id)
    issued = 0
    for grant in grants_of(order.id):
        keys = keys_of(grant.order_item_id)
        target = target_units(order, grant, refunded)
        _revoke_extra(keys, target)
        issued += _issue_missing(grant, keys, target)
    return issued


def _revoke_extra(keys, target):
    """Revoke the newest live keys beyond `target`; a revoked key answers "revoked" from then on."""
    live = _live(keys)
    now = utcnow()
    for key in live[target:][::-1]:
        key.revoked_at = now


def _issue_missing(grant, keys, target):
    """Issue keys for the next units until the item holds `target` live ones; stops early when the pool is dry."""
    live, used_units = len(_live(keys)), len(keys)
    issued = 0
    while live + issued < target and used_units + issued < grant.units:
        unit = used_units + issued + 1
        if not _issue_one(grant, unit):
            break
        issued += 1
    return issued


def _issue_one(grant, unit):
    if grant.mode == LicenceMode.POOL:
        return draw_from_pool(grant.product_id, grant.order_item_id, unit)
    return _generate(grant, unit)


def _generate(grant, unit):
    """A new random key for this unit; a clash with an existing key (about 2^-100) just draws again."""
    for _ in range(GENERATE_ATTEMPTS):
        key = LicenceKey(
            product_id=grant.product_id,
            key=generate_key(),
            source=LicenceMode.GENERATED.value,
            order_item_id=grant.order_item_id,
            unit=unit,
            issued_at=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(key)
            return True
        except IntegrityError:
            continue
    raise RuntimeError("could not generate a unique licence key")


def draw_from_pool(product_id, order_item_id, unit):
    """Give this unit the product's oldest unissued pool key; False when the pool is empty.

    Postgres: the candidate row is locked with SKIP LOCKED, so concurrent orders take different keys without
    waiting on each other. Everywhere: the claim is a conditional UPDATE (still unissued), so two orders can never
    hold the same key; a lost race tries the next key."""
    for _ in range(DRAW_ATTEMPTS):
        candidate = db.session.scalar(
            select(LicenceKey.id)
            .where(LicenceKey.product_id == product_id, LicenceKey.order_item_id.is_(None))
            .order_by(LicenceKey.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            return False
        if _claim(candidate, order_item_id, unit):
            return True
    return False


def _claim(key_id, order_item_id, unit):
    try:
        with db.session.begin_nested():
            claimed = db.session.execute(
                update(LicenceKey)
                .where(LicenceKey.id == key_id, LicenceKey.order_item_id.is_(None))
                .values(order_item_id=order_item_id, unit=unit, issued_at=utcnow())
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        return False  # this unit got its key from a concurrent run meanwhile
    return claimed.rowcount == 1


@dataclass(frozen=True)
class ItemLicences:
    """What the order page, library and emails show for one item: its keys (live and revoked) and how many wait."""

    item: object
    keys: list
    pending: int

    @property
    def live_keys(self):
        return _live(self.keys)


def order_licences(order):
    """The licence keys of `order`'s items, for display; empty for an order never paid."""
    return orders_licences([order])[order.id]


def orders_licences(orders):
    """{order id: [ItemLicences]} for `orders`, in three statements however many orders (the library's page)."""
    shown = {order.id: [] for order in orders}
    paid = {order.id: order for order in orders if _shows_keys(order)}
    if not paid:
        return shown
    grants = db.session.scalars(
        select(LicenceGrant).where(LicenceGrant.order_id.in_(paid)).order_by(LicenceGrant.order_item_id)
    ).all()
    keys = defaultdict(list)
    for key in db.session.scalars(
        select(LicenceKey)
        .where(LicenceKey.order_item_id.in_([grant.order_item_id for grant in grants]))
        .order_by(LicenceKey.unit)
    ):
        keys[key.order_item_id].append(key)
    refunded = refunded_quantities_of_orders(list(paid))
    for grant in grants:
        shown[grant.order_id].append(_item_licences(paid[grant.order_id], grant, keys[grant.order_item_id], refunded))
    return shown


def _shows_keys(order):
    status = OrderStatus(order.status)
    return status in DELIVERED or status is OrderStatus.REFUNDED


def _item_licences(order, grant, keys, refunded):
    item = next(item for item in order.items if item.id == grant.order_item_id)
    pending = max(0, target_units(order, grant, refunded) - len(_live(keys)))
    return ItemLicences(item, keys, min(pending, grant.units - len(keys)))


def check_key(text):
    """What the creator's software may learn about an issued key: ``{"status", "product"}``, or None for a key
    never issued (unknown, or still waiting in a pool). Nothing about the buyer."""
    if not text or len(text) > 100:
        return None
    key = db.session.scalar(
        select(LicenceKey).where(LicenceKey.key == text.strip(), LicenceKey.order_item_id.is_not(None))
    )
    if key is None:
        return None
    return {"status": "revoked" if key.revoked_at else "valid", "product": key.product.slug}


def export_for_user(user):
    """The licence keys issued on `user`'s orders (revoked ones too), as plain data for their data export."""
    rows = db.session.execute(
        select(Order.number, Product.title, LicenceKey.key, LicenceKey.issued_at, LicenceKey.revoked_at)
        .join(OrderItem, OrderItem.id == LicenceKey.order_item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .join(Product, Product.id == LicenceKey.product_id)
        .where(Order.user_id == user.id)
        .order_by(LicenceKey.issued_at, LicenceKey.id)
    ).all()
    return [
        {"order": number, "product": title, "key": key, "issued_at": _iso(issued), "revoked_at": _iso(revoked)}
        for number, title, key, issued, revoked in rows
    ]


def _iso(moment):
    return moment.isoformat() if moment else None
