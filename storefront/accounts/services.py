"""Account rules: registration, authentication, blocking and password reset. Callers commit."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storefront.accounts.models import PasswordResetToken, Role, User, normalise_email
from storefront.accounts.passwords import hash_password, needs_rehash, verify_password
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.urls import external_url

# Checked against when the email is unknown so a failed login takes as long either way.
_DUMMY_HASH = hash_password("not-a-real-password")
_EMAIL_TAKEN = "An account with this email already exists. Log in or reset your password."


class AccountError(Exception):
    """A request about an account was refused; the message is safe to show to the person."""


class EmailTaken(AccountError):
    pass


class LoginRefused(AccountError):
    pass


class ResetTokenInvalid(AccountError):
    pass


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email, password, terms_version, role=Role.CUSTOMER):
    """Create a user who accepted `terms_version` now; raises EmailTaken (the caller must then roll back)."""
    if find_user_by_email(email):
        raise EmailTaken(_EMAIL_TAKEN)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role.value,
        terms_version=terms_version,
        terms_accepted_at=utcnow(),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # A second sign-up with this email (a double-clicked button) got past the check; the unique index wins.
        raise EmailTaken(_EMAIL_TAKEN) from None
    return user


def authenticate(email, password):
    """Return the user for these credentials; raises LoginRefused (wrong credentials or blocked)."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise LoginRefused("Email or password is incorrect.")
    if not verify_password(user.password_hash, password):
        raise LoginRefused("Email or password is incorrect.")
    if user.is_blocked:
        reason = f" Reason: {user.blocked_reason}" if user.blocked_reason else ""
        raise LoginRefused(f"This account is blocked and cannot log in.{reason}")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def block_user(user, reason):
    user.is_blocked = True
    user.blocked_reason = reason
    user.blocked_at = utcnow()


def unblock_user(user):
    user.is_blocked = False
    user.blocked_reason = None
    user.blocked_at = None


def set_password(user, password):
    user.password_hash = hash_password(password)


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(email):
    """Email a single-use reset link if an active account has this email; silent otherwise (no enumeration)."""
    user = find_user_by_email(email)
    if user is None or user.is_blocked:
        return None
    token = secrets.token_urlsafe(32)
    max_age = timedelta(minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])
    row = PasswordResetToken(user=user, token_hash=_token_hash(token), expires_at=utcnow() + max_age)
    db.session.add(row)
    db.session.flush()
    link = external_url("accounts.reset_password", token=token)
    # The link carries the token, so it travels only in the job's arguments, never in the database.
    message_secrets = {"link": link, "max_age_minutes": int(max_age.total_seconds() // 60)}
    queue_email("password_reset", f"password-reset:{row.id}", user.email, secrets=message_secrets)
    return token


def find_valid_reset_token(token):
    """The unexpired, unused token row for `token`; raises ResetTokenInvalid."""
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise ResetTokenInvalid("This reset link is invalid, already used or expired. Ask for a new one.")
    return row


def reset_password(token, new_password):
    """Spend `token` and set the password; raises ResetTokenInvalid. Other open tokens die with it."""
    row = find_valid_reset_token(token)
    now = utcnow()
    # A conditional update makes the token single-use even when two requests race.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        raise ResetTokenInvalid("This reset link has already been used. Ask for a new one.")
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    set_password(row.user, new_password)
    # Whoever else is logged in to this account (or holds a remember-me cookie) is logged out.
    row.user.session_version += 1
    return row.user
