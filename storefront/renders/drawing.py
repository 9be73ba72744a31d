"""One page description, two ways to draw it: as a PDF with real text (reportlab) or as pixels (Pillow).

A template lays its page out once (storefront.renders.templates); the file a buyer receives and the preview they
see while typing are drawn from that same layout, with the same vendored fonts.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from reportlab.pdfgen import canvas

from storefront.renders.fonts import Face, pdf_font, pillow_font

WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Text:
    """A line of text centred on `x`, sitting on `baseline` (measured from the top of the page)."""

    text: str
    x: float
    baseline: float
    size: float
    face: Face = Face.REGULAR
    fill: tuple = WHITE


@dataclass(frozen=True)
class Page:
    """A page in its own units (points for a PDF, pixels for a print), its background, stars and lines."""

    width: float
    height: float
    background: tuple
    stars: tuple = ()  # (x, y, radius) from the top left
    texts: tuple = ()


def _rgb(colour):
    return tuple(channel / 255 for channel in colour)


def pdf_bytes(page, title):
    """`page` as a one-page PDF; its lines are text in the embedded font, so they can be selected and searched."""
    buffer = io.BytesIO()
    # The canvas starts in a font of its own unless told; the PDF then names Helvetica, which it never uses.
    pdf = canvas.Canvas(
        buffer, pagesize=(page.width, page.height), invariant=True, initialFontName=pdf_font(Face.REGULAR)
    )
    pdf.setTitle(title)
    pdf.setFillColorRGB(*_rgb(page.background))
    pdf.rect(0, 0, page.width, page.height, stroke=0, fill=1)
    pdf.setFillColorRGB(*_rgb(WHITE))
    for x, y, radius in page.stars:
        pdf.circle(x, page.height - y, radius, stroke=0, fill=1)
    for line in page.texts:
        pdf.setFillColorRGB(*_rgb(line.fill))
        pdf.setFont(pdf_font(line.face), line.size)
        pdf.drawCentredString(line.x, page.height - line.baseline, line.text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_of(page, scale=1.0):
    """`page` drawn in pixels, every length multiplied by `scale` (1 for a print, less for a preview)."""
    size = (round(page.width * scale), round(page.height * scale))
    image = Image.new("RGB", size, page.background)
    draw = ImageDraw.Draw(image)
    for x, y, radius in page.stars:
        x, y, radius = x * scale, y * scale, max(radius * scale, 0.5)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    for line in page.texts:
        font = pillow_font(line.face, max(1, round(line.size * scale)))
        draw.text((line.x * scale, line.baseline * scale), line.text, font=font, fill=line.fill, anchor="ms")
    return image


def png_bytes(image, text_chunks=None):
    """`image` as PNG bytes, with `text_chunks` (key -> text) kept as international text chunks."""
    metadata = PngInfo()
    for key, value in (text_chunks or {}).items():
        metadata.add_itxt(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=metadata)
    return buffer.getvalue()
