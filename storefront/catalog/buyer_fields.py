"""The fields a buyer fills in for a product rendered per order: a label, a kind and a length limit each.

`Product.buyer_fields` holds them as JSON objects (`{"label": "Name", "kind": "text", "max_length": 40}`).
Products saved before fields had kinds hold bare labels; `read_buyer_fields` reads both, so no stored product
needs rewriting: a bare label is a text field of up to MAX_FIELD_LENGTH characters.
"""

from dataclasses import dataclass
from enum import StrEnum

from storefront.integers import parse_int

# Every field's ceiling: a buyer's line must fit the template at a readable size.
MAX_FIELD_LENGTH = 100
# An ISO date (2026-12-02) is always this long.
DATE_LENGTH = 10


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"


KIND_LABELS = {FieldKind.TEXT: "Text", FieldKind.DATE: "Date (year-month-day)"}


@dataclass(frozen=True)
class BuyerField:
    label: str
    kind: str = FieldKind.TEXT
    max_length: int = MAX_FIELD_LENGTH

    def as_json(self):
        return {"label": self.label, "kind": str(self.kind), "max_length": self.max_length}


def buyer_field(label, kind=FieldKind.TEXT, max_length=None):
    """A field with its limit kept within 1..MAX_FIELD_LENGTH; a date is always DATE_LENGTH long."""
    if kind == FieldKind.DATE:
        return BuyerField(label, FieldKind.DATE, DATE_LENGTH)
    limit = MAX_FIELD_LENGTH if max_length is None else min(max(1, max_length), MAX_FIELD_LENGTH)
    return BuyerField(label, FieldKind.TEXT, limit)


def _field_from_json(raw):
    if isinstance(raw, str):
        return buyer_field(raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("label"), str):
        return None
    kind = raw.get("kind") if raw.get("kind") in set(FieldKind) else FieldKind.TEXT
    limit = parse_int(str(raw.get("max_length", "")), 1, MAX_FIELD_LENGTH)
    return buyer_field(raw["label"], kind, limit)


def read_buyer_fields(stored):
    """The fields in `stored` (a product's buyer_fields JSON, old or new form); entries it cannot read are skipped."""
    fields = (_field_from_json(raw) for raw in stored or [])
    return [field for field in fields if field is not None and field.label]
