"""Staff rules for accounts: blocking, unblocking and changing roles. Every change writes an audit row in the same
transaction; callers commit (or roll back after a refusal).

- Only a superadmin changes roles, and only a superadmin blocks or unblocks a staff account (admin or superadmin),
  so an admin cannot lock the owners out.
- Nobody demotes or blocks the last active superadmin, so the shop always keeps someone who can manage staff.
- Nobody blocks themselves.
A blocked account cannot log in (`accounts.services.authenticate`) or check out (`checkout.access`), and its open
sessions end on their next request (`load_user`); nothing else about the account changes."""

from sqlalchemy import func, select, update

from storefront.accounts.models import Role, User
from storefront.accounts.services import block_user, unblock_user
from storefront.audit.services import record_admin_action
from storefront.extensions import db

REASON_MAX_LENGTH = 500


class CustomerActionRefused(Exception):
    """The change breaks a rule; the message is safe to show to the admin and nothing was changed."""


class CustomerActionForbidden(CustomerActionRefused):
    """The acting admin's role does not allow this change at all."""


def _is_superadmin(user):
    """Read under `_lock_account`'s locks, so a role changed a moment ago counts."""
    return db.session.scalar(select(User.role).where(User.id == user.id)) == Role.SUPERADMIN.value


def _lock_account(user_id):
    """Lock every superadmin's row (Postgres, in id order so concurrent changes cannot deadlock), then the subject's
    (a no-op write, which on SQLite takes the database's write lock), and return the subject freshly read. Two
    superadmins demoting each other at once then run one after the other, and the second sees the first's change."""
    superadmins = select(User.id).where(User.role == Role.SUPERADMIN.value).order_by(User.id).with_for_update()
    db.session.execute(superadmins)
    touch = update(User).where(User.id == user_id).values(role=User.role)
    db.session.execute(touch.execution_options(synchronize_session=False))
    user = db.session.scalar(select(User).where(User.id == user_id).execution_options(populate_existing=True))
    if user is None:
        raise CustomerActionRefused("This account no longer exists.")
    return user


def _protect_last_superadmin(user, doing):
    """Refuse when `user` is the only active superadmin left."""
    if user.role != Role.SUPERADMIN.value or user.is_blocked:
        return
    others = select(func.count(User.id)).where(
        User.role == Role.SUPERADMIN.value, User.is_blocked.is_(False), User.id != user.id
    )
    if not db.session.scalar(others):
        message = f"{user.email} is the last superadmin: {doing} them would leave nobody to manage staff."
        raise CustomerActionRefused(message)


def _require_superadmin_for_staff(actor, user):
    if user.is_admin and not _is_superadmin(actor):
        raise CustomerActionForbidden("Only a superadmin can block or unblock a staff account.")


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise CustomerActionRefused("Give a reason.")
    if len(reason) > REASON_MAX_LENGTH:
        raise CustomerActionRefused(f"Keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def _block_state(user):
    return {"blocked": user.is_blocked, "reason": user.blocked_reason}


def block_customer(actor, user_id, reason):
    """Block the account for `reason`; returns it. Raises CustomerActionRefused (or CustomerActionForbidden)."""
    reason = _clean_reason(reason)
    user = _lock_account(user_id)
    if user.id == actor.id:
        raise CustomerActionRefused("You cannot block your own account.")
    _require_superadmin_for_staff(actor, user)
    if user.is_blocked:
        raise CustomerActionRefused(f"{user.email} is already blocked.")
    _protect_last_superadmin(user, "blocking")
    before = _block_state(user)
    block_user(user, reason)
    record_admin_action(actor, "customer.block", user, f"Blocked {user.email}: {reason}", before, _block_state(user))
    return user


def unblock_customer(actor, user_id, reason):
    """Unblock the account, noting `reason` in the audit log; returns it. Raises CustomerActionRefused."""
    reason = _clean_reason(reason)
    user = _lock_account(user_id)
    _require_superadmin_for_staff(actor, user)
    if not user.is_blocked:
        raise CustomerActionRefused(f"{user.email} is not blocked.")
    before = _block_state(user)
    unblock_user(user)
    message = f"Unblocked {user.email}: {reason}"
    record_admin_action(actor, "customer.unblock", user, message, before, _block_state(user))
    return user


def change_role(actor, user_id, role):
    """Give the account `role` (a Role); returns it. Only a superadmin may (CustomerActionForbidden otherwise);
    raises CustomerActionRefused for no change or for demoting the last superadmin."""
    user = _lock_account(user_id)
    if not _is_superadmin(actor):
        raise CustomerActionForbidden("Only a superadmin can change roles.")
    role = Role(role)
    if user.role == role.value:
        raise CustomerActionRefused(f"{user.email} is already {role.value}.")
    if role is not Role.SUPERADMIN:
        _protect_last_superadmin(user, "demoting")
    before = {"role": user.role}
    user.role = role.value
    message = f"Changed {user.email}'s role from {before['role']} to {role.value}"
    record_admin_action(actor, "customer.role", user, message, before, {"role": role.value})
    return user
