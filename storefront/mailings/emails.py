"""What the consented mailings' messages need, loaded by the mail job from the ids stored with each delivery (see
`storefront.mail.tasks.KINDS`), and whether each is still worth sending when the job runs."""

from sqlalchemy import exists, select

from storefront.cart import reminders
from storefront.cart.models import Cart
from storefront.catalog.models import ProductFile
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.orders.models import Order, OrderItem
from storefront.urls import external_url


def _row(model, delivery, key):
    """The row the delivery's context names under `key`; LookupError (the job fails, visibly) when it is gone."""
    row = db.session.get(model, delivery.context[key])
    if row is None:
        raise LookupError(f"{model.__tablename__} {delivery.context[key]} no longer exists")
    return row


def file_update_context(delivery):
    file = _row(ProductFile, delivery, "file_id")
    order = _row(Order, delivery, "order_id")
    link = external_url("account.library_page") if order.user_id else external_url("orders.lookup")
    return {"file": file, "product_title": file.product.title, "order": order, "link": link}


def file_update_wanted(delivery):
    """Still the newest version, and the buyer still holds the file (not refunded since)."""
    file = db.session.get(ProductFile, delivery.context["file_id"])
    if file is None or file.version != delivery.context["version"]:
        return False
    held = exists().where(
        DownloadEntitlement.storage_key == file.storage_key,
        DownloadEntitlement.revoked_at.is_(None),
        DownloadEntitlement.order_item_id == OrderItem.id,
        OrderItem.order_id == delivery.context["order_id"],
    )
    return db.session.scalar(select(held))


def cart_reminder_context(delivery):
    return {"cart": _row(Cart, delivery, "cart_id")}


def cart_restore_secrets(delivery):
    """The signed link back to the cart, made as the job writes the message so no stored row holds it."""
    return {"restore_url": reminders.restore_url(_row(Cart, delivery, "cart_id"))}


def cart_reminder_wanted(delivery):
    cart = db.session.get(Cart, delivery.context["cart_id"])
    return cart is not None and reminders.still_open(cart)
