"""The demo catalogue's pictures look like products (an object standing in a scene, not a coloured card with its
title), differ from one another, and are drawn the same every time."""

import io

import pytest
from PIL import Image, ImageColor, ImageStat

from storefront.demo import PRODUCTS
from storefront.demo_images import product_picture

PICTURES = {slug: product_picture(slug, title, colour) for slug, title, *_, colour in PRODUCTS}


def opened(data):
    return Image.open(io.BytesIO(data))


def mean_colour(image, box):
    return ImageStat.Stat(image.crop(box)).mean


def distance(one, other):
    return sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) ** 0.5


def test_each_picture_is_drawn_the_same_every_time():
    slug, title, *_, colour = PRODUCTS[0]

    assert product_picture(slug, title, colour) == PICTURES[slug]


@pytest.mark.parametrize(("slug", "colour"), [(spec[0], spec[-1]) for spec in PRODUCTS])
def test_each_picture_is_a_landscape_jpeg_with_a_product_in_a_scene(slug, colour):
    image = opened(PICTURES[slug])

    assert (image.format, image.size) == ("JPEG", (800, 600))
    # A card in the product's colour with its title on it (the first demo pictures) is that colour from corner to
    # middle; a product in a scene has a neutral wall around it and something else in the middle.
    corner = mean_colour(image, (0, 0, 60, 60))
    middle = mean_colour(image, (340, 220, 460, 380))
    assert distance(corner, ImageColor.getrgb(colour)) > 60, f"{slug}: the background is the product's colour"
    assert distance(corner, middle) > 5, f"{slug}: nothing stands out in the middle"
    assert len(image.getcolors(maxcolors=1_000_000)) > 500, f"{slug}: too few colours for a picture"


def test_no_two_products_share_a_picture():
    assert len(set(PICTURES.values())) == len(PICTURES)
