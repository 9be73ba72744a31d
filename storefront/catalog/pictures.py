"""What a product image's <picture> needs, worked out in Python: the catalogue shows a dozen pictures of six variants
each, and building their srcsets in Jinja macros was the largest part of the page's cost."""

from dataclasses import dataclass

from storefront.storage import get_storage


@dataclass(frozen=True)
class PictureSources:
    """`webp_srcset` is empty when the variants job has not run yet; then `src`, `width` and `height` are the
    original upload's (800 x 600 when its size is unknown)."""

    src: str
    width: int
    height: int
    webp_srcset: str = ""
    jpeg_srcset: str = ""


def picture_sources(image):
    """The URLs and size of `image`'s <img> and <source> (see catalog/_partials/_picture.html)."""
    url = get_storage().public_url
    webp, jpeg = image.variants_in("webp"), image.variants_in("jpeg")
    if not (webp and jpeg):
        return PictureSources(url(image.storage_key), image.width or 800, image.height or 600)
    largest = jpeg[-1]
    return PictureSources(
        src=url(largest.storage_key),
        width=largest.width,
        height=largest.height,
        webp_srcset=_srcset(webp, url),
        jpeg_srcset=_srcset(jpeg, url),
    )


def _srcset(variants, url):
    return ", ".join(f"{url(variant.storage_key)} {variant.width}w" for variant in variants)
