"""What a licence key looks like: generated ones, and the lists an admin pastes or uploads into a pool."""

import re
import secrets
from collections import Counter

# Neither 0/O nor 1/I: keys are read aloud and typed from paper. 32 symbols, so each carries 5 random bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 4, 5
GENERATED_SHAPE = re.compile(rf"[{ALPHABET}]{{{GROUP_LENGTH}}}(-[{ALPHABET}]{{{GROUP_LENGTH}}}){{{GROUPS - 1}}}")
MAX_KEY_LENGTH = 100
# Printable ASCII without spaces: what a vendor's key list holds, and safe in a URL path once quoted.
POOL_KEY_SHAPE = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")
MAX_UPLOAD_KEYS = 10_000


class PoolRefused(ValueError):
    """The list cannot go into the pool; the message is safe to show to the admin. Nothing was added."""


def generate_key():
    """A fresh random key such as ``7KQ2M-XH9RT-4CNPA-ZW3EF`` (100 bits from the system's CSPRNG)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def parse_key_list(text):
    """The keys of a pasted or uploaded list, one a line (blank lines skipped, spaces around a key trimmed), in
    order. Raises PoolRefused for a malformed key, a key twice in the list, an empty list or one too long."""
    keys = [line.strip() for line in text.splitlines() if line.strip()]
    if not keys:
        raise PoolRefused("Paste or upload at least one key, one a line.")
    if len(keys) > MAX_UPLOAD_KEYS:
        raise PoolRefused(f"At most {MAX_UPLOAD_KEYS} keys at a time; this list has {len(keys)}.")
    bad = [key for key in keys if not POOL_KEY_SHAPE.fullmatch(key)]
    if bad:
        raise PoolRefused(f"Keys are 1 to {MAX_KEY_LENGTH} printable characters without spaces: {_some(bad)} is not.")
    repeated = sorted(key for key, seen in Counter(keys).items() if seen > 1)
    if repeated:
        raise PoolRefused(f"The list holds {_some(repeated)} more than once; nothing was added.")
    return keys


def _some(keys, shown=3):
    """Up to `shown` keys quoted, and how many more there are."""
    text = ", ".join(f"“{key[:40]}”" for key in keys[:shown])
    return text if len(keys) <= shown else f"{text} and {len(keys) - shown} more"


def describe_duplicates(keys):
    return f"Already in a pool or issued: {_some(sorted(keys))}. Nothing was added; remove them and try again."
