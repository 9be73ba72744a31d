"""How often the account forms may be tried. Each limit counts per client address (the router's X-Forwarded-For
when TRUSTED_PROXIES says so), and the guessable ones also per account, so neither many addresses at one account
nor one address at many accounts gets far. Counts live in Redis when REDIS_URL is set, shared by every worker.

A refused request gets 429 with Retry-After. The per-account limits apply alike to emails with and without an
account, so being throttled reveals nothing about who has one."""

import hashlib

from flask import request

from storefront.accounts.models import normalise_email

# Slows password guessing from one address; failed and successful attempts both count.
LOGIN_PER_ADDRESS = "10 per minute;50 per hour"
# Slows guessing at one account from many addresses (a botnet); its owner can still reset the password.
LOGIN_PER_ACCOUNT = "10 per 15 minutes;50 per day"
REGISTER_PER_ADDRESS = "10 per hour;50 per day"
RESET_PER_ADDRESS = "5 per 15 minutes"
# Sign-up and reset requests each email the address they name; this keeps anyone from flooding one inbox.
EMAILS_PER_ACCOUNT = "5 per hour;10 per day"


def submitted_account():
    """The limiter's key for the account a posted form names: a hash of its email, so Redis keys hold no
    addresses, and an address typed in another case counts as the same account."""
    email = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()
