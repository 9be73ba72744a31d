"""The buyer's text for a product rendered per order: one value per field in `Product.personalisation_fields`.

A value is normalised (Unicode NFC, runs of spaces made one, emoji/text style selectors dropped), then checked by
its field's kind and length and against what the template's font can draw. The same rules apply when adding to the
cart, editing a cart line, checking out and previewing, so what the preview shows is what gets printed.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from storefront.catalog.buyer_fields import FieldKind
from storefront.renders.templates import TEMPLATES

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# U+FE0E/U+FE0F only ask for text or emoji style; prints are always text style.
STYLE_SELECTORS = dict.fromkeys((0xFE0E, 0xFE0F))
VISIBLE_CATEGORIES = ("L", "N", "P", "S")


class PersonalisationError(ValueError):
    """The buyer's fields cannot be printed as they are; the message is safe to show to the shopper."""

    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class Checked:
    """Each field's normalised value (label -> text) and what is wrong with them, in the product's field order."""

    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def normalised(text):
    return " ".join(unicodedata.normalize("NFC", str(text or "")).translate(STYLE_SELECTORS).split())


def values_from(formdata):
    """The buyer's text from `personalisation[<field label>]` inputs (a form or a query string), by label."""
    return {
        name[len("personalisation[") : -1]: value
        for name, value in formdata.items()
        if name.startswith("personalisation[") and name.endswith("]")
    }


def character_names(chars):
    """The characters as a buyer can read them: visible ones as themselves, invisible ones as U+XXXX."""
    shown = (char if unicodedata.category(char)[0] in VISIBLE_CATEGORIES else f"U+{ord(char):04X}" for char in chars)
    return ", ".join(shown)


def refused_characters(chars, label):
    noun = "These characters" if len(chars) > 1 else "This character"
    return f"{noun} can't be printed: {character_names(chars)} (in “{label}”)."


def _is_iso_date(value):
    if not ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _problem(buyer_field, value, template):
    label = buyer_field.label
    if buyer_field.kind == FieldKind.DATE and not _is_iso_date(value):
        return f"“{label}” must be a date, written year-month-day (like 2026-12-24)."
    if len(value) > buyer_field.max_length:
        return f"“{label}” can be at most {buyer_field.max_length} characters."
    unprintable = template.unprintable(value) if template is not None else []
    return refused_characters(unprintable, label) if unprintable else None


def check_personalisation(product, values, complete=True):
    """`values` (label -> text) checked against `product`'s fields; other labels are dropped. With complete=False
    (a preview while typing) an empty field is no problem and prints empty."""
    checked = Checked()
    template = TEMPLATES.get(product.render_template or "")
    for buyer_field in product.personalisation_fields:
        value = normalised((values or {}).get(buyer_field.label))
        checked.values[buyer_field.label] = value
        if not value:
            if complete:
                checked.problems.append(f"Please fill in “{buyer_field.label}”.")
            continue
        problem = _problem(buyer_field, value, template)
        if problem:
            checked.problems.append(problem)
    return checked


def clean_personalisation(product, values):
    """The buyer's `values` kept for `product`'s fields only, normalised; {} for other products.

    Raises PersonalisationError naming every field that is empty, too long, not of its kind, or holds characters
    the template's font cannot draw."""
    checked = check_personalisation(product, values)
    if checked.problems:
        raise PersonalisationError(checked.problems)
    return checked.values


def personalisation_problem(product, values):
    """Why `values` cannot personalise `product`, or None when they can (or the product needs none)."""
    problems = check_personalisation(product, values).problems
    return " ".join(problems) or None
