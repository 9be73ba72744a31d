"""What the email-change messages need, loaded by the mail job from the ids stored with each delivery (see
`storefront.mail.tasks.KINDS`). The confirmation code is minted by the job, for the address the message goes to, so
no job argument or stored row holds it, and a message queued for an address since replaced carries a dead code."""

from storefront.account.services import EMAIL_CHANGE_MAX_AGE, email_change_code
from storefront.accounts.emails import account_context
from storefront.urls import external_url


def change_requested_context(delivery):
    """For the old address: which address was asked for, and how to stop it (a password reset cancels it)."""
    return {**account_context(delivery), "new_email": delivery.context["new_email"]}


def change_confirm_context(delivery):
    return {**account_context(delivery), "to_address": delivery.to_address, "max_age_days": EMAIL_CHANGE_MAX_AGE.days}


def change_confirm_secrets(delivery):
    """The code and the link carrying it after `#` (browsers never send a fragment to the server)."""
    code = email_change_code(account_context(delivery)["user"], delivery.to_address)
    return {"code": code, "link": f"{external_url('account.confirm_email_change')}#{code}"}
