"""Render templates for products made per order: each turns the product title and the buyer's fields
(label -> text, as typed on the product page) into the bytes of one deliverable file.

`Product.render_template` names one of TEMPLATES; add a template here to offer a new kind of personalised file.
"""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas


class UnknownRenderTemplate(LookupError):
    pass


@dataclass(frozen=True)
class RenderTemplate:
    name: str
    label: str
    extension: str
    content_type: str
    render: Callable[[str, dict], bytes]


def _fitted_size(width_of, text, largest, room):
    """The largest font size up to `largest` at which `text` fits in `room`, given width_of(text, size)."""
    width = width_of(text or " ", largest)
    return largest if width <= room else max(8, int(largest * room / width))


def _stars(seed, count, width, height):
    """A fixed scattering of stars for this text, so the same order always renders the same picture."""
    chance = random.Random(seed)
    return [(chance.uniform(0, width), chance.uniform(0, height), chance.uniform(0.6, 2.4)) for _ in range(count)]


def _certificate_pdf(title, fields):
    """A one-page landscape A4 PDF with the buyer's text as real (selectable, searchable) PDF text."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    pdf.setTitle(title)
    pdf.setFillColorRGB(0.11, 0.17, 0.33)
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    for x, y, radius in _stars(repr(sorted(fields.items())), 140, width, height):
        pdf.circle(x, y, radius / 2, stroke=0, fill=1)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 110, title)
    line_y = height - 210
    for label, value in fields.items():
        pdf.setFont("Helvetica", 14)
        pdf.drawCentredString(width / 2, line_y, label)
        size = _fitted_size(lambda text, size: stringWidth(text, "Helvetica-Bold", size), value, 36, width - 120)
        pdf.setFont("Helvetica-Bold", size)
        pdf.drawCentredString(width / 2, line_y - size - 6, value)
        line_y -= 110
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


PRINT_SIZE = (1200, 1600)


def _print_png(title, fields):
    """A portrait PNG print; the buyer's text is drawn on it and also kept in the PNG's text chunks."""
    image = Image.new("RGB", PRINT_SIZE, (29, 43, 83))
    draw = ImageDraw.Draw(image)
    for x, y, radius in _stars(repr(sorted(fields.items())), 400, *PRINT_SIZE):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill="white")
    room = PRINT_SIZE[0] - 120

    def width_of(text, size):
        return draw.textlength(text, font=ImageFont.load_default(size=size))

    _centred(draw, title, 120, _fitted_size(width_of, title, 64, room))
    line_y = 900
    for label, value in fields.items():
        _centred(draw, label, line_y, 32, fill=(200, 210, 235))
        _centred(draw, value, line_y + 50, _fitted_size(width_of, value, 88, room))
        line_y += 220
    metadata = PngInfo()
    metadata.add_text("Title", title)
    metadata.add_itxt("Description", "\n".join(f"{label}: {value}" for label, value in fields.items()))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=metadata)
    return buffer.getvalue()


def _centred(draw, text, top, size, fill="white"):
    font = ImageFont.load_default(size=size)
    draw.text((PRINT_SIZE[0] / 2, top), text, font=font, fill=fill, anchor="mt")


TEMPLATES = {
    template.name: template
    for template in (
        RenderTemplate("certificate_pdf", "One-page PDF (a certificate)", "pdf", "application/pdf", _certificate_pdf),
        RenderTemplate("print_png", "PNG print (1200 × 1600)", "png", "image/png", _print_png),
    )
}


def get_template(name):
    """The render template called `name`. Raises UnknownRenderTemplate."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownRenderTemplate(f"no render template called {name!r}") from None
