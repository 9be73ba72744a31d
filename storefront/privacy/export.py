"""A person's data as JSON: one named section per domain, each a function of the user returning plain JSON values.

Every section selects by the account's id, so an export holds that account's data and nobody else's. To add a
domain, add one `(name, function)` line to SECTIONS."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront.accounts.models import User
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement, DownloadLog
from storefront.extensions import db
from storefront.legal.services import acceptances_for
from storefront.licences import services as licence_services
from storefront.orders.models import Order, OrderItem
from storefront.reviews import services as reviews_services
from storefront.wishlist import services as wishlist_services


def timestamp(moment):
    """ISO 8601 in UTC (the database keeps naive UTC), or None."""
    return f"{moment.isoformat()}Z" if moment else None


def profile(user):
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "created_at": timestamp(user.created_at),
        "email_confirmed_at": timestamp(user.email_confirmed_at),
        "pending_email": user.pending_email,
        "last_login_at": timestamp(user.last_login_at),
        "terms_version": user.terms_version,
        "terms_accepted_at": timestamp(user.terms_accepted_at),
    }


def _item(item):
    return {
        "title": item.title,
        "product_slug": item.product_slug,
        "kind": item.kind,
        "unit_price_cents": item.unit_price_cents,
        "quantity": item.quantity,
        "line_total_cents": item.line_total_cents,
        "personalisation": item.personalisation or {},
    }


def _order(order):
    money = ("subtotal_cents", "discount_cents", "shipping_cents", "tax_cents", "total_cents")
    return {
        "number": order.number,
        "status": order.status,
        "email": order.email,
        "created_at": timestamp(order.created_at),
        "paid_at": timestamp(order.paid_at),
        "currency": order.currency,
        **{name: getattr(order, name) for name in money},
        "shipping_name": order.shipping_name,
        "shipping_address": order.shipping_address,
        "items": [_item(item) for item in order.items],
    }


def orders(user):
    statement = select(Order).where(Order.user_id == user.id).options(selectinload(Order.items))
    return [_order(order) for order in db.session.scalars(statement.order_by(Order.created_at, Order.id))]


def downloads(user):
    """Every download of a file bought by the account: when, which file, from which address and browser."""
    statement = (
        select(DownloadLog, DownloadEntitlement.file_name, Order.number)
        .join(DownloadEntitlement, DownloadLog.entitlement_id == DownloadEntitlement.id)
        .join(OrderItem, DownloadEntitlement.order_item_id == OrderItem.id)
        .join(Order, OrderItem.order_id == Order.id)
        .where(Order.user_id == user.id)
        .order_by(DownloadLog.downloaded_at, DownloadLog.id)
    )
    return [
        {
            "order": number,
            "file_name": file_name,
            "downloaded_at": timestamp(log.downloaded_at),
            "ip_address": log.ip_address,
            "user_agent": log.user_agent,
        }
        for log, file_name, number in db.session.execute(statement)
    ]


def consents(user):
    return [
        {
            "document": acceptance.version.document,
            "version": acceptance.version.number,
            "context": acceptance.context,
            "accepted_at": timestamp(acceptance.accepted_at),
        }
        for acceptance in acceptances_for(user)
    ]


SECTIONS = [
    ("profile", profile),
    ("orders", orders),
    ("downloads", downloads),
    ("consents", consents),
    ("reviews", reviews_services.export_for_user),
    ("wishlist", wishlist_services.export_for_user),
    ("licence_keys", licence_services.export_for_user),
]


def export_user_data(user: User):
    """{"exported_at": ..., <section name>: <section data>, ...} for the account, in SECTIONS order."""
    return {"exported_at": timestamp(utcnow()), **{name: section(user) for name, section in SECTIONS}}
