"""Human-friendly order numbers such as SF-2026-8H3K9C2D: the year and 8 Crockford base32 characters."""

import secrets

from storefront.clock import utcnow

# Crockford's alphabet leaves out I, L, O and U so numbers read aloud or retyped are not mistaken.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 8


def new_order_number():
    random_part = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"SF-{utcnow().year}-{random_part}"
