"""The buyer's text for a product rendered per order: one value per label in `Product.buyer_fields`, all required."""

MAX_FIELD_LENGTH = 100


class PersonalisationError(ValueError):
    """The buyer's fields are incomplete or too long; the message is safe to show to the shopper."""


def clean_personalisation(product, values):
    """The buyer's `values` (label -> text) kept for `product`'s fields only, trimmed; {} for other products.

    Raises PersonalisationError when a field is empty or longer than MAX_FIELD_LENGTH characters."""
    cleaned = {}
    for label in product.buyer_fields or []:
        value = " ".join(str(values.get(label) or "").split())
        if not value:
            raise PersonalisationError(f"Please fill in “{label}”.")
        if len(value) > MAX_FIELD_LENGTH:
            raise PersonalisationError(f"“{label}” can be at most {MAX_FIELD_LENGTH} characters.")
        cleaned[label] = value
    return cleaned


def personalisation_problem(product, values):
    """Why `values` cannot personalise `product`, or None when they can (or the product needs none)."""
    try:
        clean_personalisation(product, values or {})
    except PersonalisationError as problem:
        return str(problem)
    return None
