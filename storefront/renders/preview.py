"""Live previews of a personalised product: the real template's layout and fonts, drawn small as a PNG.

Buyers type, pause, and ask again with the same text, so previews are kept in a per-process LRU keyed by what
decides the pixels (template, title, fields). The size of a preview is fixed by its template, and the text it
shows has passed the same length and character checks as an order, so no request can ask for a large picture.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from storefront.renders.personalisation import check_personalisation
from storefront.renders.templates import TEMPLATES

CACHED_PREVIEWS = 256


@dataclass(frozen=True)
class Preview:
    """What the buyer's text would print as: the normalised values and why they cannot be printed, if they can't."""

    template_name: str
    values: dict
    problems: list

    @property
    def printable(self):
        return not self.problems

    @property
    def size(self):
        return TEMPLATES[self.template_name].preview_size

    @property
    def query(self):
        """The values as the query string a preview URL carries (the product page's input names)."""
        return {f"personalisation[{label}]": value for label, value in self.values.items()}


def can_preview(product):
    return bool(product.personalisation_fields) and product.render_template in TEMPLATES


def preview_of(product, values):
    """The preview state of `values` for `product`; empty fields are allowed while the buyer is still typing."""
    checked = check_personalisation(product, values, complete=False)
    return Preview(product.render_template, checked.values, checked.problems)


@lru_cache(maxsize=CACHED_PREVIEWS)
def _preview_png(template_name, title, fields):
    return TEMPLATES[template_name].preview(title, dict(fields))


def preview_png(product, preview):
    """The PNG of a printable `preview` of `product`: the same bytes for the same template, title and text."""
    return _preview_png(product.render_template, product.title, tuple(preview.values.items()))


def etag_of(png):
    return hashlib.sha256(png).hexdigest()[:32]
