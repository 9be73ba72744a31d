"""What production refuses: unsafe defaults and incomplete set-ups that only show up once money is involved.

Each check reads the loaded configuration and returns one line naming the variable to fix, or None. They run
only when STOREFRONT_ENV=production, so local runs and the test suite keep their convenient defaults (the dummy
gateway, the outbox, local storage, a localhost BASE_URL). This module imports nothing from storefront.config,
which raises the line as a ConfigError.
"""

import ipaddress
import math
from collections import Counter
from email.utils import parseaddr
from urllib.parse import urlsplit

# 128 bits: an HMAC key for sessions and CSRF tokens should not be guessable within any attacker's budget.
MIN_SECRET_KEY_BITS = 128
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
LOCAL_HOST_NAMES = {"localhost", "localhost.localdomain"}


def estimate_secret_bits(value):
    """A deliberately pessimistic estimate of the entropy in `value`, in bits.

    The character distribution's Shannon entropy times the number of positions that add something new: a
    position repeating an earlier pair of characters, or continuing a run with a constant step (abc, 2468), adds
    nothing. So `"a" * 32` scores 0 and `"abcdefgh" * 8` about 9, while `secrets.token_hex(32)` scores about 215
    and `secrets.token_urlsafe(48)` about 325.
    """
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(count / len(value) * math.log2(count / len(value)) for count in counts.values())
    return max(0.0, per_char * _novel_positions(value))


def _novel_positions(value):
    seen, novel = set(), 0
    for index in range(len(value)):
        pair = value[max(0, index - 1) : index + 1]
        if pair not in seen and not _continues_a_run(value, index):
            novel += 1
        seen.add(pair)
    return novel


def _continues_a_run(value, index):
    if index < 2:
        return False
    return ord(value[index]) - ord(value[index - 1]) == ord(value[index - 1]) - ord(value[index - 2])


def _weak_secret_key(config):
    bits = estimate_secret_bits(config["SECRET_KEY"])
    if bits >= MIN_SECRET_KEY_BITS:
        return None
    return (
        f"SECRET_KEY looks guessable (about {bits:.0f} bits of entropy, {MIN_SECRET_KEY_BITS} needed): "
        'generate one with python -c "import secrets; print(secrets.token_urlsafe(48))"'
    )


def _debug(config):
    return "FLASK_DEBUG must be off in production" if config["DEBUG"] else None


def _sqlite(config):
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") or config["ALLOW_SQLITE_IN_PRODUCTION"]:
        return None
    return "DATABASE_URL points at SQLite in production; use Postgres or set ALLOW_SQLITE_IN_PRODUCTION=1"


def _dummy_payments(config):
    if config["PAYMENT_GATEWAY"] != "dummy" or config["ALLOW_DUMMY_PAYMENTS"]:
        return None
    return (
        "PAYMENT_GATEWAY is dummy in production, so anyone can 'pay' for free: set STRIPE_SECRET_KEY "
        "(or ALLOW_DUMMY_PAYMENTS=1 for a demo shop, which then says so on every page)"
    )


def _stripe_webhook_secret(config):
    if config["PAYMENT_GATEWAY"] != "stripe" or config["STRIPE_WEBHOOK_SECRET"]:
        return None
    return (
        "STRIPE_WEBHOOK_SECRET is required with Stripe in production (without it no webhook is accepted and no "
        "order is ever marked paid): copy the signing secret of the /payments/stripe/webhook endpoint"
    )


def _outbox_mail(config):
    if config["MAIL_BACKEND"] != "outbox":
        return None
    return (
        "MAIL_URL is required in production (the outbox would show live password-reset links to every admin): "
        "set it to smtp+starttls://user:password@host:587 or similar"
    )


def _mail_from(config):
    address = parseaddr(config["MAIL_FROM"])[1]
    domain = address.rpartition("@")[2].lower()
    if "@" in address and domain and not _is_local_host(domain):
        return None
    example = "Shop <orders@your-shop.example>"
    return f"MAIL_FROM must be the shop's own sender in production, such as {example} (got {config['MAIL_FROM']!r})"


def _base_url(config):
    url = config["BASE_URL"]
    if url == DEFAULT_BASE_URL:
        return "BASE_URL is required in production: the shop's public https address, used in every emailed link"
    parts = urlsplit(url)
    if parts.scheme == "https" and not _is_local_host(parts.hostname or ""):
        return None
    return f"BASE_URL must be the shop's public https address in production, not a local one (got {url!r})"


def _is_local_host(host):
    host = host.strip("[]").lower()
    if host in LOCAL_HOST_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _local_storage(config):
    if config["STORAGE_BACKEND"] != "local" or config["ALLOW_LOCAL_STORAGE_IN_PRODUCTION"]:
        return None
    return (
        "STORAGE_BACKEND is local in production, and a PaaS wipes the disk on every restart: set "
        "STORAGE_BACKEND=s3 with S3_BUCKET (or ALLOW_LOCAL_STORAGE_IN_PRODUCTION=1 on a server with a lasting disk)"
    )


def _in_memory_rate_limits(config):
    workers = config["WEB_CONCURRENCY"]
    if config["REDIS_URL"] or workers <= 1:
        return None
    return (
        f"REDIS_URL is required in production with WEB_CONCURRENCY={workers}: each worker would count login and "
        "reset attempts on its own, multiplying the limits (or run WEB_CONCURRENCY=1)"
    )


CHECKS = (
    _debug,
    _weak_secret_key,
    _sqlite,
    _base_url,
    _dummy_payments,
    _stripe_webhook_secret,
    _outbox_mail,
    _mail_from,
    _local_storage,
    _in_memory_rate_limits,
)


def production_problem(config):
    """The first reason `config` is not fit to take real money, as one line naming the variable; None when fit."""
    for check in CHECKS:
        problem = check(config)
        if problem:
            return problem
    return None
