import pytest

from storefront.money import decimal_string, format_money, parse_major_amount


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (1250, "USD", "$12.50"),
        (5, "usd", "$0.05"),
        (123456789, "EUR", "€1,234,567.89"),
        (500, "JPY", "500 JPY"),
        (1999, "CHF", "19.99 CHF"),
    ],
)
def test_amounts_are_formatted_with_symbol_and_minor_units(minor, currency, shown):
    assert format_money(minor, currency) == shown


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("12.50", "USD", 1250),
        (" 12 ", "USD", 1200),
        ("1,000.5", "USD", 100050),
        ("0", "USD", 0),
        ("500", "JPY", 500),
    ],
)
def test_typed_amounts_become_minor_units(typed, currency, minor):
    assert parse_major_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "reason"),
    [
        ("abc", "USD", "must be a number such as 12.50"),
        ("", "USD", "must be a number such as 12.50"),
        ("NaN", "USD", "must be a number such as 12.50"),
        ("-Infinity", "USD", "must be a number such as 12.50"),
        ("-0.01", "USD", "must be zero or more"),
        ("1.234", "USD", "can have at most 2 decimal places"),
        ("1e-999999999", "USD", "can have at most 2 decimal places"),
        ("12.5", "JPY", "can have at most 0 decimal places"),
        ("1e999999", "USD", "is too large"),
        ("9" * 40, "USD", "is too large"),
    ],
)
def test_unusable_amounts_are_refused_with_a_reason(typed, currency, reason):
    with pytest.raises(ValueError, match=reason):
        parse_major_amount(typed, currency)


def test_decimal_string_is_the_plain_major_amount_machines_read():
    assert [decimal_string(1900, "USD"), decimal_string(5, "EUR"), decimal_string(1200, "JPY")] == [
        "19.00",
        "0.05",
        "1200",
    ]
