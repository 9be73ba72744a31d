"""Changing an account's email and password. Callers commit.

Like sign-up, asking to move to an address that already has an account answers exactly as for a free one: the
address is recorded as pending and the same two emails are queued either way (the old address is told, the new one
gets either the confirmation link or, when it has an account, a note for its owner). Only that owner learns which
case it was. The email changes only when the link is opened, with the account's password."""

import uuid
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from storefront.account.claims import claim_guest_orders
from storefront.accounts.models import normalise_email
from storefront.accounts.services import (
    AccountError,
    ConfirmationInvalid,
    check_password,
    end_all_sessions,
    find_user_by_email,
    set_password,
)
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail import queue_email

EMAIL_CHANGE_MAX_AGE = timedelta(days=2)
WRONG_PASSWORD = "This is not your current password."
_LINK_SPENT = "This link was already used, or a newer change replaced it. Ask for the change again from your account."


class SameEmail(AccountError):
    pass


def request_email_change(user, current_password, new_email):
    """Record `new_email` as pending and queue the emails about it; raises LoginRefused (wrong password) or
    SameEmail. Returns the pending address."""
    check_password(user, current_password, wrong=WRONG_PASSWORD)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise SameEmail("This is already your email.")
    user.pending_email = new_email
    key = uuid.uuid4().hex
    queue_email(
        "email_change_requested", f"email-change-requested:{key}", user.email, user_id=user.id, new_email=new_email
    )
    owner = find_user_by_email(new_email)
    if owner is None:
        queue_email("email_change_confirm", f"email-change:{key}", new_email, user_id=user.id)
    else:
        queue_email("email_change_taken", f"email-change-taken:{key}", new_email, user_id=owner.id)
    return new_email


def cancel_email_change(user):
    user.pending_email = None


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="storefront.account.change-email")


def email_change_code(user, new_email):
    """A signed code proving its holder read the confirmation sent to `new_email`; nothing of it is stored. It
    names the account's current address too, so it is spent once the email changes."""
    return _signer().dumps({"user": user.id, "from": user.email, "to": new_email})


def _claims(code):
    try:
        return _signer().loads(code, max_age=int(EMAIL_CHANGE_MAX_AGE.total_seconds()))
    except BadData:
        raise ConfirmationInvalid("This confirmation link is invalid or expired. Ask for the change again.") from None


def confirm_email_change(code, current_password):
    """Move the account to the address the code was sent to, confirmed, and claim that address's guest orders.

    The account's password is asked for too, so the owner of an address cannot be led into giving it to an account a
    stranger holds. Raises ConfirmationInvalid (bad, expired, used or replaced code; the address taken meanwhile) or
    LoginRefused (wrong password). Returns the user."""
    claims = _claims(code)
    user = find_user_by_email(claims["from"])
    if user is None or user.id != claims["user"] or user.pending_email != claims["to"]:
        raise ConfirmationInvalid(_LINK_SPENT)
    check_password(user, current_password, wrong=WRONG_PASSWORD)
    _move_to(user, claims["to"])
    claim_guest_orders(user)
    return user


def _move_to(user, new_email):
    taken = ConfirmationInvalid("Another account uses this address now, so your email was not changed.")
    if find_user_by_email(new_email) is not None:
        raise taken
    try:
        with db.session.begin_nested():
            user.email = new_email
            user.pending_email = None
            user.email_confirmed_at = utcnow()
    except IntegrityError:
        raise taken from None


def change_password(user, current_password, new_password):
    """Set a new password once the current one is given; raises LoginRefused. Every session of the account ends
    (`end_all_sessions`): the caller logs this browser in again."""
    check_password(user, current_password, wrong=WRONG_PASSWORD)
    set_password(user, new_password)
    end_all_sessions(user)
