"""Argon2id password hashing with the library's current recommended parameters, and the strength rule."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)


# zxcvbn's own cap (its cost grows with length); 72 characters that score well make a strong password anyway.
STRENGTH_CHECKED_CHARACTERS = 72
# zxcvbn's 0-4 scale: 3 is "safely unguessable", about 10^8 guesses, beyond online guessing and costly offline.
MIN_STRENGTH_SCORE = 3


def weakness(password, hints=()):
    """Why `password` is too easy to guess, as a sentence to show the person, or None when it is strong enough.

    An offline estimate (zxcvbn): common-password lists, dictionary words, keyboard patterns, dates, repeats and
    `hints` (such as the email and the shop's name), so no password ever leaves the server."""
    result = zxcvbn(password[:STRENGTH_CHECKED_CHARACTERS], user_inputs=[hint for hint in hints if hint])
    if result["score"] >= MIN_STRENGTH_SCORE:
        return None
    feedback = result["feedback"]
    advice = " ".join(filter(None, [feedback["warning"], *feedback["suggestions"]]))
    return f"This password is too easy to guess. {advice or 'Add another word or two.'}"
