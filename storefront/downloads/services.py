"""Digital delivery: entitlements to the files of paid digital items, counted downloads, fresh links, revocation.

Links carry an entitlement's random token, never a database id or a storage key. Callers own the transaction
(they commit through `storefront.jobs.commit`); emails and renders queued here go out after that commit.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.catalog.models import Product, ProductKind
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement, DownloadLog
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.orders.status import OrderStatus
from storefront.renders.models import RenderStatus, Rendition

# Orders whose digital items are delivered: paid, and not refunded in full.
DELIVERED = {OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED}


def _digital_items(order):
    return [item for item in order.items if item.kind == ProductKind.DIGITAL]


def _product(item):
    return db.session.get(Product, item.product_id) if item.product_id is not None else None


def grant_entitlements(order):
    """Give each digital item of a paid order its files: one entitlement per product file, or (for a product
    rendered per order) a queued render that grants its file when done. Safe to run again; then tells the
    shopper once everything is ready."""
    if OrderStatus(order.status) not in DELIVERED:
        return
    for item in _digital_items(order):
        _grant_item(item)
    notify_if_all_ready(order)


def _grant_item(item):
    product = _product(item)
    if product is None:
        return  # deleted since the sale: there is nothing to deliver
    if product.is_rendered_per_order:
        from storefront.renders.services import queue_render

        queue_render(item)
        return
    for file in product.files:
        grant_file(item, file.storage_key, file.file_name, file.content_type, file.size_bytes)


def _entitlement_for(order_item_id, storage_key):
    query = select(DownloadEntitlement).where(
        DownloadEntitlement.order_item_id == order_item_id, DownloadEntitlement.storage_key == storage_key
    )
    return db.session.scalar(query)


def grant_file(order_item, storage_key, file_name, content_type, size_bytes):
    """The entitlement to one file of `order_item`, created with the configured limit and link lifetime the first
    time and returned as it is afterwards (the unique key on item + file backs this up against a concurrent job).
    A file granted after the order was refunded in full is born revoked."""
    existing = _entitlement_for(order_item.id, storage_key)
    if existing is not None:
        return existing
    now = utcnow()
    entitlement = DownloadEntitlement(
        token=secrets.token_urlsafe(32),
        order_item_id=order_item.id,
        storage_key=storage_key,
        file_name=file_name,
        content_type=content_type,
        size_bytes=size_bytes,
        max_downloads=current_app.config["DOWNLOAD_LIMIT"],
        download_count=0,
        expires_at=now + _link_lifetime(),
        revoked_at=now if order_item.order.status == OrderStatus.REFUNDED else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entitlement)
    except IntegrityError:
        return _entitlement_for(order_item.id, storage_key)
    return entitlement


def _link_lifetime():
    return timedelta(hours=current_app.config["DOWNLOAD_LINK_HOURS"])


def fresh_allowance():
    """An entitlement's values when its downloads start afresh (a new version of a product that says so): the
    configured limit, nothing counted yet, a full link lifetime from now."""
    return {
        "max_downloads": current_app.config["DOWNLOAD_LIMIT"],
        "download_count": 0,
        "expires_at": utcnow() + _link_lifetime(),
    }


def notify_if_all_ready(order):
    """Queue the "your downloads are ready" email once every digital item has a file and some file is live."""
    item_ids = {item.id for item in _digital_items(order)}
    if not item_ids:
        return
    rows = db.session.execute(
        select(DownloadEntitlement.order_item_id, DownloadEntitlement.revoked_at).where(
            DownloadEntitlement.order_item_id.in_(item_ids)
        )
    ).all()
    if {row.order_item_id for row in rows} != item_ids or all(row.revoked_at for row in rows):
        return
    queue_email("downloads_ready", f"order:{order.id}:downloads_ready", order.email, order_id=order.id)


def revoke_entitlements(order, order_item_ids):
    """Revoke the entitlements of these items of `order` (ids of other orders' items are ignored); returns how
    many were live. Their links answer 404 from then on."""
    wanted = set(order_item_ids)
    item_ids = [item.id for item in order.items if item.id in wanted]
    if not item_ids:
        return 0
    revoked = db.session.execute(
        update(DownloadEntitlement)
        .where(DownloadEntitlement.order_item_id.in_(item_ids), DownloadEntitlement.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return revoked.rowcount


def find_entitlement(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(DownloadEntitlement).where(DownloadEntitlement.token == token))


def is_expired(entitlement):
    return entitlement.expires_at <= utcnow()


def is_used_up(entitlement):
    return entitlement.max_downloads > 0 and entitlement.download_count >= entitlement.max_downloads


def downloads_left(entitlement):
    """How many downloads remain, or None when unlimited."""
    if entitlement.max_downloads == 0:
        return None
    return max(0, entitlement.max_downloads - entitlement.download_count)


def can_refresh(entitlement):
    """A fresh link can be minted while the entitlement lasts: not revoked and downloads left."""
    return entitlement.revoked_at is None and not is_used_up(entitlement)


def record_download(entitlement, ip_address, user_agent):
    """Count one download and log it; False when the link expired, was revoked or got used up meanwhile.

    One conditional UPDATE does the check and the count, so concurrent clicks can never pass the limit.
    """
    counted = db.session.execute(
        update(DownloadEntitlement)
        .where(
            DownloadEntitlement.id == entitlement.id,
            DownloadEntitlement.revoked_at.is_(None),
            DownloadEntitlement.expires_at > utcnow(),
            or_(
                DownloadEntitlement.max_downloads == 0,
                DownloadEntitlement.download_count < DownloadEntitlement.max_downloads,
            ),
        )
        .values(download_count=DownloadEntitlement.download_count + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        return False
    db.session.add(
        DownloadLog(entitlement_id=entitlement.id, ip_address=(ip_address or "")[:64] or None, user_agent=user_agent)
    )
    db.session.expire(entitlement, ["download_count"])
    return True


def refresh_link(entitlement):
    """Mint a fresh link (a new token, a full lifetime); the old link stops working. False when the entitlement
    is over (revoked or used up)."""
    if not can_refresh(entitlement):
        return False
    entitlement.token = secrets.token_urlsafe(32)
    entitlement.expires_at = utcnow() + _link_lifetime()
    return True


@dataclass(frozen=True)
class ItemDelivery:
    """What the order page shows for one digital item: its files, or that they are being prepared."""

    item: object
    entitlements: list
    rendition: Rendition | None
    expects_files: bool
    # The product files the entitlements fetch now, by storage key: their version number, label and date.
    versions: dict = field(default_factory=dict)

    @property
    def failed(self):
        return not self.entitlements and self.rendition is not None and self.rendition.status == RenderStatus.FAILED

    @property
    def preparing(self):
        return self.expects_files and not self.entitlements and not self.failed


@dataclass(frozen=True)
class OrderDelivery:
    items: list

    @property
    def preparing(self):
        """True while some digital item still waits for its files (the order page keeps polling)."""
        return any(item.preparing for item in self.items)


def order_delivery(order):
    """The downloads section of the order page; empty for orders not (or no longer) delivered."""
    return orders_delivery([order])[order.id]


def orders_delivery(orders):
    """{order id: OrderDelivery} for `orders`, in four statements however many orders and items there are (the
    library lists a page of orders)."""
    delivered = [order for order in orders if OrderStatus(order.status) in DELIVERED]
    items = [item for order in delivered for item in _digital_items(order)]
    ids = [item.id for item in items]
    entitlements = defaultdict(list)
    for entitlement in db.session.scalars(
        select(DownloadEntitlement).where(DownloadEntitlement.order_item_id.in_(ids)).order_by(DownloadEntitlement.id)
    ):
        entitlements[entitlement.order_item_id].append(entitlement)
    renditions = {
        r.order_item_id: r for r in db.session.scalars(select(Rendition).where(Rendition.order_item_id.in_(ids)))
    }
    products = _products_with_files({item.product_id for item in items})
    versions = {file.storage_key: file for product in products.values() for file in product.files}
    deliveries = {order.id: OrderDelivery([]) for order in orders}
    for order in delivered:
        deliveries[order.id] = OrderDelivery(
            [
                ItemDelivery(
                    item, entitlements[item.id], renditions.get(item.id), _expects_files(item, products), versions
                )
                for item in _digital_items(order)
            ]
        )
    return deliveries


def _products_with_files(product_ids):
    """{id: product} with each product's files loaded (a deleted product is simply missing)."""
    statement = select(Product).where(Product.id.in_(product_ids)).options(selectinload(Product.files))
    return {product.id: product for product in db.session.scalars(statement)}


def _expects_files(item, products):
    product = products.get(item.product_id)
    return product is not None and (product.is_rendered_per_order or bool(product.files))
