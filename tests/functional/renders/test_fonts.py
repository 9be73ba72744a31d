"""Renders draw with the vendored DejaVu fonts: accented Latin, Greek and Cyrillic come out as letters in the PDF
(real text, read back with pypdf) and in the PNG (the font's own glyphs, not its .notdef box); what the font
cannot draw is named, never printed."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from storefront.renders.fonts import Face, code_points, font_path, pillow_font
from storefront.renders.templates import PRINT_SIZE, TEMPLATES, print_layout
from tests.functional.renders.support import opened_image, pdf_text

NAMES = ["José Müller", "Françoise", "Zoë", "Ζωή", "Жанна"]
# Not in DejaVu Sans: drawn, it would be the .notdef box.
MISSING = "你"


def pdf_fonts(data):
    page = PdfReader(io.BytesIO(data)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


@pytest.mark.parametrize("name", NAMES)
def test_the_certificate_pdf_holds_the_buyers_name_as_text_in_the_vendored_font(app, name):
    data = TEMPLATES["certificate_pdf"].render("Star Map", {"Name on the print": name})

    assert name in pdf_text(data)
    fonts = pdf_fonts(data)
    assert any(font.endswith("+DejaVuSans-Bold") for font in fonts), fonts
    assert not any("Helvetica" in font for font in fonts), fonts


def test_the_fonts_ship_with_the_project_and_their_licence(app):
    for face in Face:
        assert font_path(face).is_file()
    assert "Bitstream" in (font_path(Face.REGULAR).parent / "LICENSE").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_the_font_has_a_glyph_for_every_letter_and_none_is_the_notdef_box(name):
    font = ImageFont.truetype(str(font_path(Face.BOLD)), 64)
    notdef = _glyph(font, MISSING)

    assert {ord(char) for char in name} <= code_points(Face.BOLD)
    assert ord(MISSING) not in code_points(Face.BOLD)
    for char in set(name) - {" "}:
        assert _glyph(font, char) != notdef, char


@pytest.mark.parametrize("name", NAMES)
def test_the_png_print_draws_the_fonts_glyphs_where_the_name_goes(app, name):
    image = opened_image(TEMPLATES["print_png"].render("Name Poster", {"Name": name})).convert("RGB")
    [drawn] = [line for line in print_layout("Name Poster", {"Name": name}).texts if line.text == name]

    inside_letters = _inked(drawn, drawn.text)
    inside_boxes = _inked(drawn, MISSING * len(drawn.text)) - inside_letters

    assert len(inside_letters) > 500
    assert all(image.getpixel(point) == (255, 255, 255) for point in inside_letters)
    # Where boxes would be drawn but letters are not, the print shows the night sky (stars aside).
    white = sum(image.getpixel(point) == (255, 255, 255) for point in inside_boxes)
    assert white < len(inside_boxes) / 10


def test_characters_the_font_lacks_or_cannot_lay_out_are_named_in_order(app):
    template = TEMPLATES["print_png"]

    assert template.unprintable("Zoë 你好 🎉 Zoë 你") == ["你", "好", "🎉"]
    assert template.unprintable("שלום")[:1] == ["ש"], "right-to-left letters would print in the wrong order"
    assert template.unprintable(" ".join(NAMES)) == []


def _glyph(font, char):
    canvas = Image.new("L", (160, 160))
    ImageDraw.Draw(canvas).text((20, 20), char, font=font, fill=255)
    return canvas.tobytes()


def _inked(line, text):
    """The pixels `text` fully covers when drawn like `line` with the vendored font."""
    mask = Image.new("L", PRINT_SIZE)
    font = pillow_font(line.face, line.size)
    ImageDraw.Draw(mask).text((line.x, line.baseline), text, font=font, fill=255, anchor="ms")
    width = PRINT_SIZE[0]
    return {(index % width, index // width) for index, value in enumerate(mask.tobytes()) if value == 255}
