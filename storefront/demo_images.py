"""Pictures for the demo catalogue, drawn with Pillow so a fresh shop looks like a shop: a framed print on a wall, a
stack of template sheets, a book, a notebook, a pen, a sticker sheet, a fan of cards. Each is seeded by the product's
slug, so seeding twice draws the same picture (and the same JPEG bytes)."""

import io
import random

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

SIZE = (800, 600)
WALL = (236, 232, 224)
PAPER = (252, 251, 248)
INK = (52, 56, 64)


def _rgb(colour):
    return ImageColor.getrgb(colour)


def _mix(colour, other, amount):
    """`colour` moved `amount` (0 to 1) of the way towards `other`."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _font(size):
    return ImageFont.load_default(size=size)


def _scene(top=WALL, floor_at=470):
    """A wall with a soft light from above and a shelf edge near the bottom."""
    image = Image.new("RGB", SIZE, top)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        draw.line([(0, y), (SIZE[0], y)], fill=_mix(top, (200, 194, 184), y / SIZE[1] * 0.6))
    draw.rectangle([0, floor_at, SIZE[0], SIZE[1]], fill=_mix(top, (150, 120, 90), 0.45))
    draw.line([(0, floor_at), (SIZE[0], floor_at)], fill=_mix(top, (90, 70, 50), 0.5), width=3)
    return image


def _shadow(image, box, radius=18, offset=(10, 14), strength=110):
    """A blurred shadow under the rectangle `box` (blurred at a quarter of the size: the same look, much faster)."""
    mask = Image.new("L", (SIZE[0] // 4, SIZE[1] // 4), 0)
    shifted = [(box[0] + offset[0]) / 4, (box[1] + offset[1]) / 4, (box[2] + offset[0]) / 4, (box[3] + offset[1]) / 4]
    ImageDraw.Draw(mask).rounded_rectangle(shifted, radius=2, fill=strength)
    blurred = mask.filter(ImageFilter.GaussianBlur(radius / 4)).resize(SIZE, Image.BILINEAR)
    image.paste((40, 34, 28), mask=blurred)


def _framed(image, box, art, frame=(45, 38, 33), mat=14):
    """A frame with a white mat around the artwork `art(image, inner_box)`."""
    _shadow(image, box)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=frame)
    inner = [box[0] + 16, box[1] + 16, box[2] - 16, box[3] - 16]
    draw.rectangle(inner, fill=PAPER)
    art_box = [inner[0] + mat, inner[1] + mat, inner[2] - mat, inner[3] - mat]
    art(image, art_box)


def _turned(layer, box, angle, pivot, margin=90):
    """The part of `layer` around `box`, turned `angle` degrees about `pivot`, and where it goes: (piece, corner).
    Only that part is turned, which is much faster than turning the whole picture."""
    region = (
        max(0, box[0] - margin),
        max(0, box[1] - margin),
        min(SIZE[0], box[2] + margin),
        min(SIZE[1], box[3] + margin),
    )
    centre = (pivot[0] - region[0], pivot[1] - region[1])
    return layer.crop(region).rotate(angle, center=centre, resample=Image.BICUBIC), region[:2]


def _gradient(draw, box, top, bottom):
    height = box[3] - box[1]
    for y in range(box[1], box[3]):
        draw.line([(box[0], y), (box[2], y)], fill=_mix(top, bottom, (y - box[1]) / height))


# Artworks: each fills `box` on `image`.


def _mountains(colour, rng):
    def art(image, box):
        draw = ImageDraw.Draw(image)
        _gradient(draw, box, _mix(colour, (255, 236, 200), 0.7), _mix(colour, (255, 255, 255), 0.2))
        width, height = box[2] - box[0], box[3] - box[1]
        sun = (box[0] + width * 0.68, box[1] + height * 0.3)
        draw.ellipse([sun[0] - 34, sun[1] - 34, sun[0] + 34, sun[1] + 34], fill=_mix(colour, (255, 250, 230), 0.75))
        for layer in range(3):
            base = box[1] + height * (0.55 + layer * 0.14)
            peaks = [(box[0], box[3])] + [
                (box[0] + width * step / 6, base - rng.uniform(20, 90) * (1 - layer * 0.25)) for step in range(7)
            ]
            draw.polygon(peaks + [(box[2], box[3])], fill=_mix(colour, (30, 30, 50), 0.25 + layer * 0.22))

    return art


def _city_lines(colour, rng):
    def art(image, box):
        draw = ImageDraw.Draw(image)
        draw.rectangle(box, fill=(24, 24, 28))
        x = box[0] + 8
        while x < box[2] - 30:
            width, top = rng.randint(22, 48), rng.randint(box[1] + 30, box[3] - 60)
            draw.rectangle([x, top, x + width, box[3] - 10], outline=(235, 235, 235), width=2)
            for window in range(top + 10, box[3] - 20, 14):
                draw.line([(x + 6, window), (x + width - 6, window)], fill=(150, 150, 150), width=1)
            x += width + rng.randint(4, 12)

    return art


def _leaves(colour, rng):
    def art(image, box):
        draw = ImageDraw.Draw(image)
        draw.rectangle(box, fill=_mix(colour, (250, 248, 238), 0.88))
        stem_x = (box[0] + box[2]) // 2
        draw.line([(stem_x, box[3] - 10), (stem_x, box[1] + 20)], fill=_mix(colour, (20, 40, 20), 0.4), width=3)
        for y in range(box[1] + 30, box[3] - 20, 26):
            side = rng.choice([-1, 1])
            reach = rng.randint(24, 40)
            leaf = [stem_x, y - 9, stem_x + side * reach, y + 9] if side > 0 else [stem_x - reach, y - 9, stem_x, y + 9]
            draw.ellipse(leaf, fill=_mix(colour, (40, 90, 40), rng.uniform(0.1, 0.4)))

    return art


def _star_map(colour, rng):
    def art(image, box):
        draw = ImageDraw.Draw(image)
        draw.rectangle(box, fill=colour)
        size = min(box[2] - box[0], box[3] - box[1]) - 60
        left, top = (box[0] + box[2] - size) // 2, box[1] + 16
        draw.ellipse([left, top, left + size, top + size], outline=(230, 220, 180), width=2)
        stars = [(left + rng.uniform(0.12, 0.88) * size, top + rng.uniform(0.12, 0.88) * size) for _ in range(70)]
        for x, y in stars:
            radius = rng.choice([1, 1, 1.5, 2.5])
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(250, 245, 220))
        for start in stars[:3]:  # a few constellations: short walks between nearby points
            walk = [start]
            for _ in range(4):
                walk.append((walk[-1][0] + rng.uniform(-28, 28), walk[-1][1] + rng.uniform(-28, 28)))
            draw.line(walk, fill=(200, 190, 150), width=1)
        draw.text(
            ((box[0] + box[2]) / 2, box[3] - 22), "THE NIGHT WE MET", font=_font(13), fill=(230, 220, 180), anchor="mm"
        )

    return art


def _name_poster(colour, rng):
    def art(image, box):
        draw = ImageDraw.Draw(image)
        draw.rectangle(box, fill=_mix(colour, (255, 255, 255), 0.82))
        middle = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        draw.text((middle[0], middle[1] - 30), "Ava", font=_font(64), fill=colour, anchor="mm")
        draw.line([(middle[0] - 50, middle[1] + 20), (middle[0] + 50, middle[1] + 20)], fill=INK, width=2)
        draw.text((middle[0], middle[1] + 44), "12 · 05 · 2026", font=_font(16), fill=INK, anchor="mm")

    return art


# Whole pictures: (colour as RGB, random source, title) -> Image.


def _wall_print(art, portrait=True):
    def picture(colour, rng, title):
        image = _scene()
        box = [255, 40, 545, 430] if portrait else [170, 80, 630, 400]
        _framed(image, box, art(colour, rng))
        return image

    return picture


def _print_set(colour, rng, title):
    image = _scene()
    for index, left in enumerate((110, 320, 530)):
        _framed(image, [left, 110, left + 170, 350], _leaves(_mix(colour, (90, 140, 60), index * 0.2), rng), mat=10)
    return image


def _lines(draw, box, rng, top, bottom, step=14):
    for y in range(top, bottom, step):
        right = box[0] + 20 + rng.randint(60, box[2] - box[0] - 40)
        draw.line([(box[0] + 20, y), (right, y)], fill=(190, 190, 190, 255), width=4)


def _invoice(draw, box, colour, rng):
    _lines(draw, box, rng, box[1] + 70, box[1] + 120)
    for row in range(6):
        y = box[1] + 140 + row * 26
        draw.line([(box[0] + 20, y), (box[2] - 20, y)], fill=(215, 212, 205, 255), width=1)
        draw.rectangle([box[2] - 80, y + 8, box[2] - 24, y + 16], fill=_mix(colour, (255, 255, 255), 0.6) + (255,))
    draw.rectangle([box[2] - 120, box[3] - 60, box[2] - 20, box[3] - 30], fill=colour + (255,))


def _checklist(draw, box, colour, rng):
    for row in range(9):
        y = box[1] + 70 + row * 30
        draw.rectangle([box[0] + 20, y, box[0] + 34, y + 14], outline=colour + (255,), width=2)
        if rng.random() < 0.4:
            draw.line(
                [(box[0] + 22, y + 7), (box[0] + 27, y + 12), (box[0] + 33, y + 1)], fill=colour + (255,), width=2
            )
        _lines(draw, [box[0] + 26, box[1], box[2], box[3]], rng, y + 7, y + 8)


def _cv(draw, box, colour, rng):
    draw.ellipse(
        [box[0] + 20, box[1] + 62, box[0] + 84, box[1] + 126], fill=_mix(colour, (255, 255, 255), 0.5) + (255,)
    )
    _lines(draw, [box[0] + 80, box[1], box[2], box[3]], rng, box[1] + 80, box[1] + 120)
    for section in range(3):
        top = box[1] + 150 + section * 70
        draw.rectangle([box[0] + 20, top, box[0] + 90, top + 6], fill=colour + (255,))
        _lines(draw, box, rng, top + 20, top + 60)


def _calendar(draw, box, colour, rng):
    cell = (box[2] - box[0] - 40) / 7
    for row in range(5):
        for column in range(7):
            x, y = box[0] + 20 + column * cell, box[1] + 70 + row * cell
            filled = rng.random() < 0.25
            fill = _mix(colour, (255, 255, 255), 0.55) + (255,) if filled else None
            draw.rectangle([x, y, x + cell - 4, y + cell - 4], fill=fill, outline=(215, 212, 205, 255))


def _sheet(image, box, colour, rng, body, rotation=0):
    """A sheet of paper with a coloured header and `body` drawn on it, possibly tilted."""
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle(box, fill=PAPER + (255,), outline=(210, 205, 195, 255))
    draw.rectangle([box[0], box[1], box[2], box[1] + 46], fill=colour + (255,))
    body(draw, box, colour, rng)
    piece, corner = _turned(layer, box, rotation, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
    image.paste(piece, corner, mask=piece)


def _template_sheets(body):
    def picture(colour, rng, title):
        image = _scene(top=(226, 232, 236), floor_at=600)
        for rotation, shift in ((-7, -50), (5, 40), (0, 0)):
            box = [260 + shift, 110, 540 + shift, 500]
            _shadow(image, box, radius=14, offset=(6, 10), strength=70)
            _sheet(image, box, colour, rng, body, rotation)
        return image

    return picture


def _book(colour, rng, title):
    image = _scene()
    box = [290, 80, 510, 450]
    _shadow(image, box)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=colour)
    draw.rectangle([box[0], box[1], box[0] + 18, box[3]], fill=_mix(colour, (0, 0, 0), 0.3))
    draw.rectangle([box[0] + 40, box[1] + 60, box[2] - 30, box[1] + 64], fill=_mix(colour, (255, 255, 255), 0.7))
    words = title.split()
    lines = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
    draw.multiline_text((box[0] + 40, box[1] + 90), "\n".join(lines), font=_font(24), fill=(255, 255, 255), spacing=8)
    draw.rectangle([box[0] + 40, box[3] - 60, box[0] + 120, box[3] - 54], fill=_mix(colour, (255, 255, 255), 0.7))
    return image


def _notebook(colour, rng, title):
    image = _scene(top=(232, 226, 214), floor_at=600)
    box = [250, 90, 550, 510]
    _shadow(image, box)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box, radius=18, fill=colour)
    for _ in range(900):  # the linen weave
        x, y = rng.randint(box[0] + 6, box[2] - 6), rng.randint(box[1] + 6, box[3] - 6)
        draw.point((x, y), fill=_mix(colour, (255, 255, 255), rng.uniform(0.05, 0.25)))
    draw.rectangle([box[2] - 48, box[1], box[2] - 36, box[3]], fill=(40, 36, 34))
    draw.rounded_rectangle([box[0] + 60, box[1] + 70, box[0] + 200, box[1] + 110], radius=4, fill=PAPER)
    draw.text((box[0] + 130, box[1] + 90), "A5", font=_font(22), fill=INK, anchor="mm")
    return image


def _pen(colour, rng, title):
    image = _scene(top=(222, 226, 230), floor_at=600)
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rounded_rectangle([130, 280, 670, 322], radius=21, fill=colour + (255,))
    draw.rectangle([130, 294, 670, 300], fill=_mix(colour, (255, 255, 240), 0.5) + (255,))
    draw.polygon([(130, 280), (130, 322), (80, 301)], fill=_mix(colour, (60, 50, 20), 0.3) + (255,))
    draw.rounded_rectangle([520, 270, 650, 284], radius=6, fill=_mix(colour, (40, 30, 10), 0.3) + (255,))
    piece, (left, top) = _turned(layer, [80, 270, 670, 322], -14, (400, 300))
    shadow = piece.split()[3].point(lambda alpha: int(alpha * 0.45)).filter(ImageFilter.GaussianBlur(10))
    image.paste((40, 34, 28), (left + 10, top + 22), mask=shadow)
    image.paste(piece, (left, top), mask=piece)
    return image


def _sticker_sheet(colour, rng, title):
    image = _scene(top=(230, 234, 238), floor_at=600)
    box = [230, 60, 570, 540]
    _shadow(image, box, radius=14, offset=(6, 10), strength=70)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=PAPER, outline=(205, 205, 205))
    palette = [colour, (240, 180, 40), (60, 140, 200), (90, 170, 110), (240, 120, 150)]
    for row in range(4):
        for column in range(3):
            x, y = box[0] + 62 + column * 108, box[1] + 62 + row * 112
            fill = palette[rng.randrange(len(palette))]
            if rng.random() < 0.5:
                draw.ellipse([x - 38, y - 38, x + 38, y + 38], fill=fill, outline=(255, 255, 255), width=5)
            else:
                draw.rounded_rectangle(
                    [x - 40, y - 30, x + 40, y + 30], radius=14, fill=fill, outline=(255, 255, 255), width=5
                )
    return image


def _cards(colour, rng, title):
    image = _scene(top=(228, 232, 236), floor_at=600)
    for index, rotation in enumerate((14, 4, -7)):
        layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        box = [300, 130, 500, 420]
        draw.rounded_rectangle(box, radius=14, fill=PAPER + (255,), outline=(200, 200, 200, 255), width=2)
        draw.text((400, 240), "Aa", font=_font(84), fill=_mix(colour, INK, index * 0.3) + (255,), anchor="mm")
        draw.line([(330, 330), (470, 330)], fill=(190, 190, 190, 255), width=4)
        draw.line([(330, 350), (440, 350)], fill=(190, 190, 190, 255), width=4)
        piece, corner = _turned(layer, box, rotation, (400, 420))
        image.paste(piece, corner, mask=piece)
    return image


# slug -> how its picture is drawn; a product not listed gets a stack of invoice sheets.
PICTURES = {
    "invoice-template-pack": _template_sheets(_invoice),
    "wedding-planner-sheets": _template_sheets(_checklist),
    "cv-kit": _template_sheets(_cv),
    "social-media-calendar": _template_sheets(_calendar),
    "mountain-dawn-print": _wall_print(_mountains),
    "city-lines-print": _wall_print(_city_lines),
    "botanical-set": _print_set,
    "personalised-star-map": _wall_print(_star_map),
    "name-poster": _wall_print(_name_poster, portrait=False),
    "pricing-guide": _book,
    "photo-editing-guide": _book,
    "linen-notebook": _notebook,
    "brass-pen": _pen,
    "sticker-sheet": _sticker_sheet,
    "font-pairing-cards": _cards,
}


def product_picture(slug, title, colour):
    """A JPEG of the demo product `slug`, 800 × 600, the same bytes every time."""
    draw = PICTURES.get(slug, _template_sheets(_invoice))
    image = draw(_rgb(colour), random.Random(slug), title)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
