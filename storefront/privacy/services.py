"""Privacy requests: exporting and deleting an account, by its owner or by an admin acting on a request received by
email (audited). Callers commit.

Deleting is refused for staff accounts (a superadmin demotes them first), so nobody deletes the shop's managers by
accident, and for an account already deleted."""

from sqlalchemy import select

from storefront.accounts.models import User, normalise_email
from storefront.accounts.services import check_password
from storefront.audit.services import record_admin_action
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.privacy.erasure import erase_user_data
from storefront.privacy.export import export_user_data


class PrivacyRefused(Exception):
    """The request breaks a rule; the message is safe to show and nothing was changed."""


def _deletable(user):
    if user.deleted_at is not None:
        raise PrivacyRefused("This account has already been deleted.")
    if user.is_admin:
        raise PrivacyRefused("Staff accounts cannot be deleted here: a superadmin makes it a customer account first.")


def delete_account(user):
    """Erase the account's personal data (storefront.privacy.erasure) and email the address it had that it is done.

    The notice is queued in the same transaction, to the address the account had before the erasure replaced it
    (after the erasure, which anonymises earlier emails' delivery rows, so this one still goes out)."""
    _deletable(user)
    old_email = user.email
    erase_user_data(user)
    queue_email("account_deleted", f"account-deleted:{user.id}", old_email)
    return user


def delete_own_account(user, password):
    """The owner deletes their account, proving it with their password; raises LoginRefused or PrivacyRefused."""
    check_password(user, password, wrong="That is not your password.")
    return delete_account(user)


def _customer(user_id):
    user = db.session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise PrivacyRefused("This account no longer exists.")
    return user


def export_for_admin(actor, user_id):
    """The account's export, for an admin answering a request received by email; audited."""
    user = _customer(user_id)
    record_admin_action(actor, "customer.export", user, f"Exported the data of account {user.id} on request")
    return export_user_data(user)


def delete_for_admin(actor, user_id, typed_email):
    """Delete the account for a request received by email. The admin types the account's email to confirm;
    raises PrivacyRefused when it does not match or the account cannot be deleted. Audited (without the email,
    which the deletion removes)."""
    user = _customer(user_id)
    if normalise_email(typed_email or "") != user.email:
        raise PrivacyRefused("Type the account's email exactly to confirm the deletion.")
    delete_account(user)
    record_admin_action(actor, "customer.delete", user, f"Deleted account {user.id} on request")
    return user
