"""Renders: resized variants of product images, and personalised files rendered per order item.

The work happens in jobs (storefront.renders.tasks); these functions record what is wanted and queue the jobs after
the caller's commit (`storefront.jobs.commit`). Callers own the transaction.
"""

import io
import secrets

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from storefront import jobs
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.orders.models import OrderItem
from storefront.renders.models import ProductImageVariant, RenderStatus, Rendition
from storefront.storage import get_storage

# name -> the widest the variant gets; an original narrower than that is never upscaled.
VARIANT_WIDTHS = {"thumb": 320, "card": 640, "full": 1280}
# format -> (Pillow format, content type, file extension, save options)
VARIANT_FORMATS = {
    "webp": ("WEBP", "image/webp", "webp", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", "image/jpeg", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
}
ORIGINAL_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_ORIGINAL_PIXELS = 40_000_000
UNFINISHED = (RenderStatus.QUEUED.value, RenderStatus.RENDERING.value, RenderStatus.FAILED.value)


class InvalidImage(ValueError):
    """The upload is not a JPEG, PNG or WebP picture we can read; the message is safe to show."""


class CannotRenderAgain(ValueError):
    """Only unfinished renditions can be rendered again; the message is safe to show."""


# Product images


def _opened(data):
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()  # verify() leaves the image unusable, so it is opened again below
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise InvalidImage("That file is not a picture we can read.") from error
    if image.format not in ORIGINAL_FORMATS:
        raise InvalidImage("Upload a JPEG, PNG or WebP picture.")
    if image.width * image.height > MAX_ORIGINAL_PIXELS:
        raise InvalidImage("That picture is too large; keep it under 40 megapixels.")
    return image


def add_product_image(product, data, alt_text=""):
    """Store `data` (the uploaded bytes) publicly as a new image of `product`, and queue its variants after commit.

    Raises InvalidImage for anything but a readable JPEG, PNG or WebP picture."""
    image = _opened(data)
    extension, content_type = ORIGINAL_FORMATS[image.format]
    key = f"products/{product.slug}/{secrets.token_hex(8)}.{extension}"
    get_storage().put(key, data, content_type, public=True)
    record = ProductImage(
        storage_key=key, alt_text=alt_text, position=len(product.images), width=image.width, height=image.height
    )
    product.images.append(record)
    db.session.flush()
    queue_image_variants(record)
    return record


def queue_image_variants(image):
    """Queue the variants job for `image` once the current transaction commits."""
    jobs.enqueue_after_commit(
        "storefront.renders.tasks.render_image_variants", image.id, job_id=f"image-variants-{image.id}"
    )


def _flattened(image):
    """An RGB copy, upright as the camera meant it, transparency laid on white (JPEG has no alpha)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


def _encoded(image, format_name):
    pillow_format, _, _, options = VARIANT_FORMATS[format_name]
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


def _variant_key(image, name, width, format_name):
    return f"products/variants/{image.id}/{name}-{width}.{VARIANT_FORMATS[format_name][2]}"


def make_variants(image):
    """Render and store every missing variant of `image` (a ProductImage); returns the new rows. Existing ones are
    kept, so running it again creates nothing. The caller commits."""
    have = {(variant.name, variant.format) for variant in image.variants}
    wanted = [(name, fmt) for name in VARIANT_WIDTHS for fmt in VARIANT_FORMATS if (name, fmt) not in have]
    if not wanted:
        return []
    storage = get_storage()
    original = _flattened(Image.open(io.BytesIO(storage.read(image.storage_key, public=True))))
    created = []
    for name, format_name in wanted:
        width = min(VARIANT_WIDTHS[name], original.width)
        height = max(1, round(original.height * width / original.width))
        resized = original.resize((width, height), Image.Resampling.LANCZOS)
        key = _variant_key(image, name, width, format_name)
        storage.put(key, _encoded(resized, format_name), VARIANT_FORMATS[format_name][1], public=True)
        created.append(ProductImageVariant(name=name, format=format_name, storage_key=key, width=width, height=height))
    image.variants.extend(created)
    _remember_size(image, original)
    return created


def _remember_size(image, original):
    if image.width is None or image.height is None:
        image.width, image.height = original.width, original.height


# Personalised files


def find_rendition(order_item_id):
    return db.session.scalar(select(Rendition).where(Rendition.order_item_id == order_item_id))


def queue_render(order_item):
    """Make sure `order_item` has a Rendition and, unless it is done, failed or under way, queue its job after commit.

    Safe to call again (a retried grant): one Rendition per item, and the job itself skips finished work."""
    rendition = find_rendition(order_item.id)
    if rendition is None:
        rendition = Rendition(order_item_id=order_item.id, status=RenderStatus.QUEUED.value, progress=0)
        db.session.add(rendition)
        db.session.flush()
    if rendition.status == RenderStatus.QUEUED:
        jobs.enqueue_after_commit(
            "storefront.renders.tasks.render_order_item", rendition.id, job_id=f"render-{rendition.id}"
        )
    return rendition


def render_again(rendition):
    """Admin: start an unfinished rendition over (status queued, progress 0) and queue a fresh job after commit.

    Raises CannotRenderAgain for a rendition that is already done."""
    if rendition.status == RenderStatus.DONE:
        raise CannotRenderAgain("That file is already rendered.")
    rendition.status = RenderStatus.QUEUED.value
    rendition.progress = 0
    # A fresh job id: the failed job keeps its own id in RQ's failed registry.
    job_id = f"render-{rendition.id}-again-{secrets.token_hex(4)}"
    jobs.enqueue_after_commit("storefront.renders.tasks.render_order_item", rendition.id, job_id=job_id)
    return rendition


def unfinished_renditions(limit=200):
    """Renditions queued, rendering or failed, failed first then the most recently changed, for the admin page."""
    statement = (
        select(Rendition)
        .where(Rendition.status.in_(UNFINISHED))
        .options(joinedload(Rendition.order_item).joinedload(OrderItem.order))
        .order_by((Rendition.status == RenderStatus.FAILED.value).desc(), Rendition.updated_at.desc())
        .limit(limit)
    )
    return db.session.scalars(statement).all()
