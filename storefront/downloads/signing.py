"""Short-lived signed URLs for files on the local backend. The app hands one out only after a download was
authorised and counted; the URL itself then works without a session (download managers, another tab) until it
expires a few minutes later. It names the entitlement's token, never the storage key."""

import hashlib
import hmac
import time
from enum import StrEnum

from flask import current_app, url_for

from storefront.integers import MAX_BIGINT, parse_int


class LinkCheck(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


def _now():
    return int(time.time())


def _signature(token, expires):
    message = f"storefront.downloads.file:{token}:{expires}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def signed_file_url(token, seconds):
    """The app URL streaming the entitlement's file, valid for `seconds`."""
    expires = _now() + seconds
    return url_for("downloads.file", token=token, expires=expires, signature=_signature(token, expires))


def check(token, expires, signature):
    """Whether a signed URL's parts are genuine and still fresh; the signature is compared in constant time.

    `expires` must be the ASCII digits we signed: '٣' or '３' would pass str.isdigit() and int(), and so
    re-spell a signed value."""
    expires_at = parse_int(expires, 0, MAX_BIGINT)
    if expires_at is None or not signature:
        return LinkCheck.INVALID
    if not hmac.compare_digest(_signature(token, expires_at).encode(), signature.encode()):
        return LinkCheck.INVALID
    return LinkCheck.VALID if _now() < expires_at else LinkCheck.EXPIRED
