"""Wishlist rules. Every query is scoped by the account, so nobody reads or changes another's list. Callers commit."""

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.cart import services as cart_services
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.wishlist.models import WishlistItem


def shown_product(product_id):
    """A product shoppers may see (published, not archived), or None."""
    product = db.session.get(Product, product_id)
    if product is None or not product.is_published or product.archived_at is not None:
        return None
    return product


def _entry(user, product_id):
    query = select(WishlistItem).where(WishlistItem.user_id == user.id, WishlistItem.product_id == product_id)
    return db.session.scalar(query)


def saved_ids(user):
    """Ids of the products `user` saved (empty for a guest)."""
    if user is None:
        return set()
    return set(db.session.scalars(select(WishlistItem.product_id).where(WishlistItem.user_id == user.id)))


def toggle(user, product):
    """Save `product` for `user`, or forget it if it was saved; returns True when it is saved now."""
    entry = _entry(user, product.id)
    if entry is not None:
        db.session.delete(entry)
        return False
    try:
        with db.session.begin_nested():
            db.session.add(WishlistItem(user_id=user.id, product_id=product.id))
    except IntegrityError:
        pass  # saved by another tab a moment ago: saved all the same
    return True


def remove(user, product_id):
    """Forget `product_id` from `user`'s list; False when it was not there."""
    removed = db.session.execute(
        delete(WishlistItem).where(WishlistItem.user_id == user.id, WishlistItem.product_id == product_id)
    )
    return removed.rowcount > 0


def entries(user):
    """`user`'s saved products, newest first (unpublished ones too: the page says they are unavailable)."""
    query = (
        select(WishlistItem)
        .where(WishlistItem.user_id == user.id)
        .options(selectinload(WishlistItem.product))
        .order_by(WishlistItem.created_at.desc(), WishlistItem.id.desc())
    )
    return db.session.scalars(query).all()


def move_to_cart(user, product_id, cart):
    """Add one of a saved product to `cart` and take it off the list; returns the product. Raises CartError (with
    the cart's own message: unavailable, out of stock, already in the cart) and changes nothing then."""
    if _entry(user, product_id) is None:
        raise cart_services.CartError("That product is not on your wishlist.")
    item = cart_services.add_item(cart, product_id, 1)
    remove(user, product_id)
    return item.product


def export_for_user(user):
    """The products `user` saved, oldest first, as plain data for their data export."""
    items = db.session.scalars(
        select(WishlistItem)
        .where(WishlistItem.user_id == user.id)
        .options(selectinload(WishlistItem.product))
        .order_by(WishlistItem.created_at, WishlistItem.id)
    ).all()
    return [{"product": item.product.title, "saved_at": item.created_at.isoformat()} for item in items]


def forget_for_user(user):
    """Before `user`'s account goes: their saved products go with it. Callers commit."""
    db.session.execute(delete(WishlistItem).where(WishlistItem.user_id == user.id))
