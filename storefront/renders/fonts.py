"""The fonts renders draw with: DejaVu Sans, vendored in ./fonts with its licence, never a font of the machine.

The same TTF files feed reportlab (PDF text, embedded as a subset) and Pillow (PNG pixels), so a PDF and a print
show the same letters. What a face can draw is read from its own character map: a character missing there would
come out as the .notdef box, so callers refuse it before anything is rendered (storefront.renders.personalisation).
"""

from enum import StrEnum
from functools import cache
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

FONT_DIR = Path(__file__).parent / "fonts"


class Face(StrEnum):
    """A vendored face; its value is the file's stem and the name it is registered under with reportlab."""

    REGULAR = "DejaVuSans"
    BOLD = "DejaVuSans-Bold"


def font_path(face):
    return FONT_DIR / f"{face}.ttf"


@cache
def pdf_font(face):
    """The name `face` goes by in reportlab, registered on first use (the registry is process-wide)."""
    pdfmetrics.registerFont(TTFont(str(face), str(font_path(face))))
    return str(face)


@cache
def pillow_font(face, size):
    """`face` at `size` pixels for Pillow, laid out without libraqm so every machine draws the same pixels."""
    return ImageFont.truetype(str(font_path(face)), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def code_points(face):
    """Every code point `face`'s character map gives a glyph."""
    return frozenset(TTFontFile(str(font_path(face))).charToGlyph)


def text_width(text, face, size):
    """The advance width of `text` in `face` at `size` (points or pixels alike)."""
    return pdfmetrics.stringWidth(text, pdf_font(face), size)
