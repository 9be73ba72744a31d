"""Whole numbers from request text: ASCII digits within bounds, or nothing."""

import pytest

from storefront.integers import MAX_BIGINT, MAX_ID, page_number, parse_int


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("42", 42), ("-7", -7), ("007", 7), (str(MAX_ID), MAX_ID)])
def test_ascii_digits_within_bounds_are_numbers(text, expected):
    assert parse_int(text, -10, MAX_ID) == expected


@pytest.mark.parametrize(
    "text",
    [None, "", " 7", "7\n", "+7", "1_000", "1e3", "7.0", "٣", "３", "²", "߃", str(MAX_ID + 1), "9" * 20, "9" * 5000],
)
def test_anything_else_is_none(text):
    assert parse_int(text, -10, MAX_ID) is None


def test_a_64_bit_bound_holds():
    assert parse_int(str(MAX_BIGINT), 0, MAX_BIGINT) == MAX_BIGINT
    assert parse_int(str(MAX_BIGINT + 1), 0, MAX_BIGINT) is None


@pytest.mark.parametrize("text", ["0", "-1", "1000001", "٣", "abc"])
def test_a_bad_page_number_raises_so_the_default_applies(text):
    with pytest.raises(ValueError):
        page_number(text)
