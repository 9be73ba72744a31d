"""Money is integer minor units plus an ISO 4217 currency; this is the one place that formats and parses it."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
# Currencies without minor units; everything else here uses cents.
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW"}
# Amounts of 10**15 major units or more are refused: scaling 1e999999 would overflow Decimal's context.
MAX_MAJOR_DIGITS = 15
NOT_A_NUMBER = "must be a number such as 12.50"


def minor_unit_exponent(currency):
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


# A page formats the same few prices again and again (cards, totals); the result depends on nothing else.
@lru_cache(maxsize=4096)
def format_money(amount_minor, currency):
    """Format integer minor units for display: format_money(1999, "USD") -> "$19.99"."""
    exponent = minor_unit_exponent(currency)
    major = Decimal(amount_minor).scaleb(-exponent)
    number = f"{major:,.{exponent}f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def decimal_string(amount_minor, currency):
    """The amount as a plain decimal in major units, for machines (schema.org prices): (1900, "USD") -> "19.00"."""
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(amount_minor).scaleb(-exponent):.{exponent}f}"


def parse_major_amount(text, currency):
    """Parse a typed amount such as "12.50" into minor units; raises ValueError with a shopper-readable reason."""
    exponent = minor_unit_exponent(currency)
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(NOT_A_NUMBER) from None
    if not value.is_finite():  # "NaN" and "Infinity" parse, but are not amounts
        raise ValueError(NOT_A_NUMBER)
    if value < 0:
        raise ValueError("must be zero or more")
    if value.adjusted() >= MAX_MAJOR_DIGITS:
        raise ValueError("is too large")
    # quantize, not scaleb: scaling a tiny amount such as 1e-999999999 would underflow to 0 and pass.
    if value != value.quantize(Decimal(1).scaleb(-exponent)):
        raise ValueError(f"can have at most {exponent} decimal places")
    return int(value.scaleb(exponent))
