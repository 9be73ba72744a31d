"""What the account emails need, loaded by the mail job from the ids stored with each delivery (see
`storefront.mail.tasks.KINDS`). The reset code is minted here, in the job, so it exists only in the email sent and,
hashed, in the database: never in a job's arguments, a URL the server sees, or a log. The welcome email's
confirmation code is signed instead, so nothing of it is stored at all."""

from storefront.accounts.models import User
from storefront.accounts.services import confirmation_code, issue_reset_code, reset_max_age
from storefront.extensions import db
from storefront.urls import external_url


def _owner(delivery):
    user = db.session.get(User, delivery.context["user_id"])
    if user is None:
        raise LookupError(f"user {delivery.context['user_id']} no longer exists")
    return user


def _links():
    return {
        "login_link": external_url("accounts.login"),
        "reset_request_link": external_url("accounts.request_reset"),
        "register_link": external_url("accounts.register"),
    }


def account_context(delivery):
    """For the welcome and "someone tried to register with your email" messages."""
    return {"user": _owner(delivery), **_links()}


def confirmation_secrets(delivery):
    """The welcome email's confirmation code, and the link carrying it after `#` (never sent to the server)."""
    code = confirmation_code(_owner(delivery))
    return {"code": code, "link": f"{external_url('accounts.confirm_email')}#{code}"}


def unavailable_reset_context(_delivery):
    """For a reset asked for an address with no active account: how to register or try another address."""
    return _links()


def reset_context(delivery):
    return {"user": _owner(delivery), "max_age_minutes": int(reset_max_age().total_seconds() // 60)}


def reset_code_secrets(delivery):
    """A fresh reset code and the link carrying it after `#`: browsers never send a fragment to the server."""
    code = issue_reset_code(_owner(delivery))
    return {"code": code, "link": f"{external_url('accounts.reset_password')}#{code}"}
