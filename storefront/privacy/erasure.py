"""Erasing a person's data when their account is deleted: one named section per domain, each a function of the
user that removes or anonymises what its domain holds about them. Callers commit.

Orders stay for the accounts (numbers, items, prices and totals untouched) with their personal fields stripped.
The account row stays too, anonymised and blocked, so the orders still point at it. Every section runs before
`account`, which replaces the email they match on, so `account` stays last; to add a domain, add one
`(name, function)` line above it."""

from sqlalchemy import delete, select, update

from storefront.accounts.models import PasswordResetToken
from storefront.accounts.services import end_all_sessions
from storefront.cart.models import Cart
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement, DownloadLog
from storefront.extensions import db
from storefront.legal.models import LegalAcceptance
from storefront.mail.models import EmailDelivery
from storefront.orders.models import Order, OrderItem
from storefront.reviews import services as reviews_services
from storefront.wishlist import services as wishlist_services

# `.invalid` is reserved (RFC 2606): no mail can ever be delivered to it.
PLACEHOLDER_DOMAIN = "deleted.invalid"
# Not an Argon2 hash, so no password ever matches it (passwords.verify_password answers False).
UNUSABLE_PASSWORD = "!deleted"
DELETED_REASON = "Account deleted at its owner's request."


def placeholder_email(user):
    return f"deleted-user-{user.id}@{PLACEHOLDER_DOMAIN}"


def _order_ids(user):
    return select(Order.id).where(Order.user_id == user.id).scalar_subquery()


def _item_ids(user):
    return select(OrderItem.id).where(OrderItem.order_id.in_(_order_ids(user))).scalar_subquery()


def _bulk(statement):
    db.session.execute(statement.execution_options(synchronize_session=False))


def anonymise_orders(user):
    """Keep the orders and their lines as sold; drop the email, the shipping name and address, and what the buyer
    typed into personalised products."""
    owned = Order.user_id == user.id
    _bulk(update(Order).where(owned).values(email=placeholder_email(user), shipping_name=None, shipping_address=None))
    _bulk(update(OrderItem).where(OrderItem.order_id.in_(_order_ids(user))).values(personalisation={}))


def disable_downloads(user):
    """Revoke every download link of the account's orders, and strip addresses and browsers from the log."""
    entitlements = DownloadEntitlement.order_item_id.in_(_item_ids(user))
    _bulk(
        update(DownloadEntitlement)
        .where(entitlements, DownloadEntitlement.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    logged = select(DownloadEntitlement.id).where(entitlements).scalar_subquery()
    _bulk(update(DownloadLog).where(DownloadLog.entitlement_id.in_(logged)).values(ip_address=None, user_agent=None))


def forget_carts(user):
    _bulk(delete(Cart).where(Cart.user_id == user.id))


def anonymise_consents(user):
    """Acceptances stay as the record of what was agreed; guest ones made with the account's email lose it."""
    guest = LegalAcceptance.email == user.email
    _bulk(update(LegalAcceptance).where(guest).values(email=placeholder_email(user)))


def anonymise_email_log(user):
    """Earlier emails' delivery rows no longer name the address (the deletion notice, queued after, still does)."""
    sent_to = EmailDelivery.to_address == user.email
    _bulk(update(EmailDelivery).where(sent_to).values(to_address=placeholder_email(user)))


def anonymise_account(user):
    """Placeholder email, no password, blocked and marked deleted; every session and remember-me cookie ends."""
    now = utcnow()
    _bulk(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    user.email = placeholder_email(user)
    user.pending_email = None
    user.password_hash = UNUSABLE_PASSWORD
    user.last_login_at = None
    user.is_blocked, user.blocked_reason, user.blocked_at = True, DELETED_REASON, now
    user.deleted_at = now
    end_all_sessions(user)


ERASERS = [
    ("orders", anonymise_orders),
    ("downloads", disable_downloads),
    ("carts", forget_carts),
    ("consents", anonymise_consents),
    ("emails", anonymise_email_log),
    ("reviews", reviews_services.anonymise_for_user),
    ("wishlist", wishlist_services.forget_for_user),
    ("account", anonymise_account),  # last: the sections above match on the account's email
]


def erase_user_data(user):
    """Run every section on `user`; returns the names run, in order."""
    for _name, erase in ERASERS:
        erase(user)
    return [name for name, _erase in ERASERS]
