"""Helpers for downloads tests: digital products with real stored files, and what the database says."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from storefront.catalog.models import ProductFile
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement, DownloadLog
from storefront.extensions import db
from storefront.orders.models import OrderItem
from storefront.storage import get_storage
from tests.functional.checkout.support import digital

GUIDE_PDF = b"%PDF-1.4\n% a field guide to the harbour birds\n"
MAPS_ZIP = b"PK\x03\x04 maps of the coast"


def ebook(title="Harbour Birds", files=(("harbour-birds.pdf", GUIDE_PDF, "application/pdf"),), **kwargs):
    """A published digital product whose files are stored privately, as an admin upload stores them."""
    product = digital(title=title, **kwargs)
    for file_name, data, content_type in files:
        key = get_storage().put(f"products/{product.slug}/{file_name}", data, content_type)
        product.files.append(
            ProductFile(storage_key=key, file_name=file_name, size_bytes=len(data), content_type=content_type)
        )
    db.session.commit()
    return product


def entitlements_of(order):
    """The order's entitlements as the database has them now, by item then file."""
    db.session.expire_all()
    query = (
        select(DownloadEntitlement)
        .join(OrderItem, OrderItem.id == DownloadEntitlement.order_item_id)
        .where(OrderItem.order_id == order.id)
        .order_by(OrderItem.id, DownloadEntitlement.id)
    )
    return db.session.scalars(query).all()


def logs_of(entitlement):
    query = select(DownloadLog).where(DownloadLog.entitlement_id == entitlement.id).order_by(DownloadLog.id)
    return db.session.scalars(query).all()


def expire(entitlement, hours_ago=1):
    """Move the entitlement's link expiry into the past, as if its lifetime had run out."""
    db.session.execute(
        update(DownloadEntitlement)
        .where(DownloadEntitlement.id == entitlement.id)
        .values(expires_at=utcnow() - timedelta(hours=hours_ago))
    )
    db.session.commit()


def download_url(entitlement):
    return f"/downloads/{entitlement.token}"


def local_path(location):
    """The path and query of a redirect to the app's own signed file URL."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
