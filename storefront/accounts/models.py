from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.integers import MAX_BIGINT, MAX_ID, parse_int


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"
    SUPERADMIN = "superadmin"


def normalise_email(email):
    """Emails are unique regardless of case, so they are stored lower-cased and trimmed."""
    return email.strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('customer', 'admin', 'superadmin')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CUSTOMER.value)
    is_blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    blocked_at: Mapped[datetime | None]
    terms_version: Mapped[str | None] = mapped_column(String(32))
    terms_accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the owner proved the address (the welcome email's link, a password reset, or an email change's link). A
    # self-service sign-up cannot log in before, so signing up with someone else's email and logging in reveals nothing.
    email_confirmed_at: Mapped[datetime | None]
    # An address the owner asked to move to, not yet confirmed from the link sent there (storefront.account).
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # Part of the id Flask-Login keeps in sessions and remember-me cookies: bumping it (on a password
    # reset) logs the account out everywhere.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the account was deleted at its owner's request (storefront.privacy): the row stays, anonymised, so the
    # orders it placed still add up.
    deleted_at: Mapped[datetime | None]

    @validates("email")
    def _normalise_email(self, _key, email):
        return normalise_email(email)

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self):
        return self.role in {Role.ADMIN, Role.SUPERADMIN}

    @property
    def is_active(self):
        # Flask-Login refuses to log in inactive users; blocked users are inactive.
        return not self.is_blocked

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role}>"


def parse_session_user_id(value):
    """(user id, session version) from what `User.get_id` put in a session, or None for anything else."""
    user_id, _, version = str(value or "").partition(":")
    parsed = parse_int(user_id, 1, MAX_ID), parse_int(version, 0, MAX_BIGINT)
    return None if None in parsed else parsed


class PasswordResetToken(db.Model):
    """A single-use reset token; only its SHA-256 is stored, so a leaked table cannot reset passwords."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = db.relationship()
