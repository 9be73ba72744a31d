"""Whole numbers from untrusted text: form fields, query strings, URL segments, signed-URL parameters.

Python's int() accepts what nobody here means ('٣', '３', '1_000', ' 7\\n') and numbers of any size, and
str.isdigit() says yes to '²' which int() then refuses; Postgres raises on an integer past its column's range, and
that was a 500. Everything that turns request text into a number goes through `parse_int`, so a bad number is a 4xx
with a clear message, never a 500.
"""

import re

from werkzeug.routing import IntegerConverter

ASCII_INTEGER = re.compile(r"-?[0-9]{1,19}")
# Ids are Postgres INTEGER columns (SQLite's are wider, Postgres is the bound that matters).
MAX_ID = 2**31 - 1
MAX_BIGINT = 2**63 - 1


def parse_int(text, minimum, maximum):
    """The integer `text` spells in ASCII digits (an optional leading '-', nothing else) when it lies within
    [minimum, maximum]; None for anything else, including None."""
    if not isinstance(text, str) or not ASCII_INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def page_number(text, maximum=1_000_000):
    """A `type=` for request.args.get: a page from 1 to `maximum`; ValueError otherwise, so the default applies."""
    value = parse_int(text, 1, maximum)
    if value is None:
        raise ValueError(f"not a page number: {text!r}")
    return value


class IdConverter(IntegerConverter):
    """The app's `<int:...>` URL converter: ASCII digits within a database id's range, or the URL does not match
    (404), where werkzeug's own takes any Unicode digit and any size."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # werkzeug's parameter names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
