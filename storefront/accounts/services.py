"""Account rules: registration, authentication, sessions, blocking and password reset. Callers commit.

Nothing here tells a visitor whether an email has an account: a sign-up or a reset request does the same work and
queues one email whichever it is, and only that email, read by the address's owner, says which case it was."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storefront.account.claims import claim_guest_orders
from storefront.accounts.models import PasswordResetToken, Role, User, normalise_email
from storefront.accounts.passwords import hash_password, needs_rehash, verify_password
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.legal.services import accept_registration_documents
from storefront.mail import queue_email

# Checked against when the email is unknown so a failed login takes as long either way.
_DUMMY_HASH = hash_password("not-a-real-password")
_EMAIL_TAKEN = "An account with this email already exists. Log in or reset your password."
# One answer for an unknown email, a wrong password and an account not yet confirmed, so none can be told apart.
_INCORRECT = "Email or password is incorrect. Just signed up? Open the link in our welcome email first."
# How long a welcome email's confirmation code works; after that a password reset confirms the address instead.
CONFIRMATION_MAX_AGE = timedelta(days=7)


class AccountError(Exception):
    """A request about an account was refused; the message is safe to show to the person."""


class EmailTaken(AccountError):
    pass


class LoginRefused(AccountError):
    pass


class ResetTokenInvalid(AccountError):
    pass


class ConfirmationInvalid(AccountError):
    pass


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email, password, terms_version, role=Role.CUSTOMER):
    """Create a user who accepted `terms_version` now; raises EmailTaken (the caller must then roll back).

    For the shop's own tools (admin creation, tests), so its address counts as confirmed; the sign-up page uses
    `sign_up`, which reveals nothing."""
    if find_user_by_email(email):
        raise EmailTaken(_EMAIL_TAKEN)
    user = _create_user(email, password, terms_version, role)
    user.email_confirmed_at = user.created_at
    return user


def _create_user(email, password, terms_version, role):
    now = utcnow()
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role.value,
        terms_version=terms_version,
        terms_accepted_at=now,
        created_at=now,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # A second sign-up with this email (a double-clicked button) got past the check; the unique index wins.
        raise EmailTaken(_EMAIL_TAKEN) from None
    return user


def sign_up(email, password):
    """Create an unconfirmed customer account and welcome its owner with a confirmation link; when the email already
    has an account, create nothing and email its owner that someone tried (with how to log in or reset) instead.

    The new account accepts the current terms and privacy policy (the sign-up form's checkbox), each acceptance
    recorded. Both cases do the same work (one Argon2 hash, one queued email), so the caller can answer them
    identically.
    Returns the new user or None; raises EmailTaken only when a racing twin of this sign-up created the account
    first (the caller rolls back: that twin already sent the welcome)."""
    owner = find_user_by_email(email)
    if owner is not None:
        hash_password(password)  # the cost of creating an account, so the answer takes as long
        queue_email("account_exists", f"account-exists:{uuid.uuid4().hex}", owner.email, user_id=owner.id)
        return None
    user = _create_user(email, password, None, Role.CUSTOMER)
    accept_registration_documents(user)
    queue_email("welcome", f"welcome:{user.id}", user.email, user_id=user.id)
    return user


def authenticate(email, password):
    """Return the user for these credentials; raises LoginRefused (wrong credentials, unconfirmed or blocked)."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise LoginRefused(_INCORRECT)
    check_password(user, password)
    if user.email_confirmed_at is None:
        raise LoginRefused(_INCORRECT)
    _note_login(user, password)
    # Guest orders placed with this proven email since (checking out without logging in) join the account too.
    claim_guest_orders(user)
    return user


def check_password(user, password, wrong=_INCORRECT):
    """Raise LoginRefused with `wrong` unless `password` is the account's, or with the reason when it is blocked."""
    if not verify_password(user.password_hash, password):
        raise LoginRefused(wrong)
    if user.is_blocked:
        reason = f" Reason: {user.blocked_reason}" if user.blocked_reason else ""
        raise LoginRefused(f"This account is blocked and cannot log in.{reason}")


def _note_login(user, password):
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()


def _confirmation_signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="storefront.accounts.confirm-email")


def confirmation_code(user):
    """A code proving its holder read `user`'s welcome email: signed (with SECRET_KEY), so nothing is stored."""
    return _confirmation_signer().dumps({"user": user.id, "email": user.email})


def confirm_email(code, password):
    """Confirm the address a welcome email's `code` went to and return its user, ready to log in.

    The password chosen at sign-up is asked for too, so the owner of an address cannot be led into confirming an
    account a stranger made with it. Raises ConfirmationInvalid (bad or expired code) or LoginRefused."""
    try:
        claims = _confirmation_signer().loads(code, max_age=int(CONFIRMATION_MAX_AGE.total_seconds()))
    except BadData:
        raise ConfirmationInvalid(
            "This confirmation link is invalid or expired. Reset your password to confirm your email instead."
        ) from None
    user = db.session.get(User, claims["user"])
    if user is None or user.email != claims["email"]:
        raise ConfirmationInvalid("This confirmation link no longer matches an account.")
    check_password(user, password, wrong="This is not the password chosen at sign-up.")
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    claim_guest_orders(user)
    _note_login(user, password)
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


def end_all_sessions(user):
    """Log the account out everywhere: every session and remember-me cookie carries `session_version`, and one
    that no longer matches is refused (`load_user`), so copied cookies stop working too."""
    user.session_version += 1


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def reset_max_age():
    return timedelta(minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])


def request_password_reset(email):
    """Email this address about resetting its password: a reset code when an active account uses it, otherwise a
    note that no active account does. The same work (one queued email) either way, so nothing is revealed.

    The code is minted by the mail job as it writes the email (`issue_reset_code`): the job's arguments hold only
    the delivery's id, and the database only the code's hash. Returns the queued delivery."""
    user = find_user_by_email(email)
    unique_key = f"password-reset:{uuid.uuid4().hex}"
    if user is None or user.is_blocked:
        return queue_email("password_reset_unavailable", unique_key, normalise_email(email))
    return queue_email("password_reset", unique_key, user.email, user_id=user.id)


def issue_reset_code(user):
    """A new single-use reset code for `user`, valid for PASSWORD_RESET_MAX_AGE_MINUTES; only its SHA-256 is kept."""
    code = secrets.token_urlsafe(32)
    db.session.add(PasswordResetToken(user=user, token_hash=_token_hash(code), expires_at=utcnow() + reset_max_age()))
    return code


def find_valid_reset_token(code):
    """The unexpired, unused token row for `code`; raises ResetTokenInvalid."""
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(code)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise ResetTokenInvalid("This reset code is invalid, already used or expired. Ask for a new one.")
    return row


def reset_password(code, new_password):
    """Spend `code` and set the password; raises ResetTokenInvalid. Other open codes die with it, and the account
    is logged out everywhere."""
    row = find_valid_reset_token(code)
    now = utcnow()
    # A conditional update makes the code single-use even when two requests race.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        raise ResetTokenInvalid("This reset code has already been used. Ask for a new one.")
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    set_password(row.user, new_password)
    end_all_sessions(row.user)
    # The code came by email, so the address is proven, as the welcome email's link would have.
    row.user.email_confirmed_at = row.user.email_confirmed_at or now
    claim_guest_orders(row.user)
    # Whoever asked to move the account to another address may not be its owner (who was told, and reset).
    row.user.pending_email = None
    return row.user
