"""One log line per business event (order placed, paid, refunded; webhook received; email sent; job done or
failed), all on the `storefront.events` logger so an operator can follow an order through the logs.

Lines never carry a full email address: `mask_email` keeps the first letter and the domain.
"""

import logging

events = logging.getLogger("storefront.events")


def mask_email(address):
    """`jane@example.com` -> `j***@example.com`; anything without an @ becomes `***`."""
    local, at, domain = (address or "").rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"
