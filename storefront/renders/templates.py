"""Render templates for products made per order: each lays the product title and the buyer's fields (label -> text,
as typed on the product page) out on a page, and draws it as the deliverable file or as a small preview PNG.

`Product.render_template` names one of TEMPLATES; add a template here to offer a new kind of personalised file.
Buyer text is drawn in `RenderTemplate.buyer_face`: what that face cannot draw is refused before rendering
(storefront.renders.personalisation), so no buyer ever pays for a box where a letter should be.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape

from storefront.renders.drawing import Page, Text, image_of, pdf_bytes, png_bytes
from storefront.renders.fonts import Face, code_points, text_width

# Right-to-left scripts need shaping and reordering, which neither reportlab nor Pillow's basic layout does:
# their letters would print in the wrong order, so they count as unprintable even where the font has glyphs.
RIGHT_TO_LEFT = frozenset({"R", "AL"})
# Controls, format characters, surrogates, private use and unassigned code points print nothing a buyer meant.
NOT_LETTERS = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
LABEL_COLOUR = (200, 210, 235)


class UnknownRenderTemplate(LookupError):
    pass


@dataclass(frozen=True)
class RenderTemplate:
    name: str
    label: str
    extension: str
    content_type: str
    render: Callable[[str, dict], bytes]
    layout: Callable[[str, dict], Page]
    # Pixels per page unit in the preview: small enough to be cheap, large enough to read the text.
    preview_scale: float
    buyer_face: Face = Face.BOLD

    def unprintable(self, text):
        """The distinct characters of `text` this template cannot print, in order of appearance."""
        return [char for char in dict.fromkeys(text) if not can_print(char, self.buyer_face)]

    @property
    def preview_size(self):
        """The preview's (width, height) in pixels, the same whatever the text."""
        page = self.layout("", {})
        return round(page.width * self.preview_scale), round(page.height * self.preview_scale)

    def preview(self, title, fields):
        """A small PNG of the page the buyer would receive for `fields`."""
        return png_bytes(image_of(self.layout(title, fields), self.preview_scale))


def can_print(char, face):
    if unicodedata.category(char) in NOT_LETTERS or unicodedata.bidirectional(char) in RIGHT_TO_LEFT:
        return False
    return ord(char) in code_points(face)


def _fitted_size(text, face, largest, room):
    """The largest font size up to `largest` at which `text` fits in `room`."""
    width = text_width(text or " ", face, largest)
    return largest if width <= room else max(8, int(largest * room / width))


def _stars(seed, count, width, height, largest):
    """A fixed scattering of stars for this text, so the same order always renders the same picture."""
    chance = random.Random(seed)
    return tuple(
        (chance.uniform(0, width), chance.uniform(0, height), chance.uniform(0.3, 1.2) * largest / 1.2)
        for _ in range(count)
    )


def certificate_layout(title, fields):
    """A landscape A4 page in points: the title, then each field's label with the buyer's text under it."""
    width, height = landscape(A4)
    texts = [Text(title, width / 2, 110, 30, Face.BOLD)]
    line_y = 210
    for label, value in fields.items():
        size = _fitted_size(value, Face.BOLD, 36, width - 120)
        texts += [Text(label, width / 2, line_y, 14), Text(value, width / 2, line_y + size + 6, size, Face.BOLD)]
        line_y += 110
    stars = _stars(repr(sorted(fields.items())), 140, width, height, 1.2)
    return Page(width, height, (28, 43, 84), stars, tuple(texts))


PRINT_SIZE = (1200, 1600)


def print_layout(title, fields):
    """A portrait print in pixels: the title at the top, each field's label and the buyer's text lower down."""
    width, height = PRINT_SIZE
    room = width - 120
    title_size = _fitted_size(title, Face.BOLD, 64, room)
    texts = [Text(title, width / 2, 120 + title_size, title_size, Face.BOLD)]
    line_y = 930
    for label, value in fields.items():
        size = _fitted_size(value, Face.BOLD, 88, room)
        texts += [
            Text(label, width / 2, line_y, 32, fill=LABEL_COLOUR),
            Text(value, width / 2, line_y + 20 + size, size, Face.BOLD),
        ]
        line_y += 220
    stars = _stars(repr(sorted(fields.items())), 400, width, height, 2.4)
    return Page(width, height, (29, 43, 83), stars, tuple(texts))


def _certificate_pdf(title, fields):
    """A one-page landscape A4 PDF with the buyer's text as real (selectable, searchable) PDF text."""
    return pdf_bytes(certificate_layout(title, fields), title)


def _print_png(title, fields):
    """A portrait PNG print; the buyer's text is drawn on it and also kept in the PNG's text chunks."""
    description = "\n".join(f"{label}: {value}" for label, value in fields.items())
    return png_bytes(image_of(print_layout(title, fields)), {"Title": title, "Description": description})


TEMPLATES = {
    template.name: template
    for template in (
        RenderTemplate(
            "certificate_pdf",
            "One-page PDF (a certificate)",
            "pdf",
            "application/pdf",
            _certificate_pdf,
            certificate_layout,
            preview_scale=0.5,
        ),
        RenderTemplate(
            "print_png", "PNG print (1200 × 1600)", "png", "image/png", _print_png, print_layout, preview_scale=0.25
        ),
    )
}


def get_template(name):
    """The render template called `name`. Raises UnknownRenderTemplate."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownRenderTemplate(f"no render template called {name!r}") from None
