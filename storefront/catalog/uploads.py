"""Admin verbs for a product's pictures and deliverable files, each audited.

Deliverables are streamed to private storage under a fresh key, their type sniffed from the bytes and their name
sanitised. Replacing one moves earlier buyers' entitlements to the new version in the same transaction, so every
link already sent keeps working. Objects no longer used are deleted from storage after the commit
(storefront.catalog.cleanup). Callers own the transaction and pass the upload's stream, never the request.
Files a browser sent straight to S3 (storefront.catalog.direct_uploads) are checked with the same pieces and attached
through `attach_file` and `put_in_place`, as streamed ones are.
"""

import os
import secrets

from sqlalchemy import update
from werkzeug.utils import secure_filename

from storefront.audit.services import record_admin_action
from storefront.catalog import cleanup
from storefront.catalog.admin_services import ProductRefused
from storefront.catalog.models import ProductFile, ProductKind
from storefront.catalog.sniffing import HEAD_BYTES, UnsupportedFile, sniff_content_type
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement
from storefront.downloads.services import fresh_allowance
from storefront.extensions import db
from storefront.renders.services import InvalidImage, add_product_image
from storefront.storage import get_storage

EXTENSIONS = {
    "application/pdf": "pdf",
    "application/epub+zip": "epub",
    "application/zip": "zip",
    "image/png": "png",
    "image/jpeg": "jpg",
    "audio/mpeg": "mp3",
    "video/mp4": "mp4",
    "text/plain": "txt",
}
MAX_STEM_LENGTH, MAX_SUFFIX_LENGTH = 110, 10
MAX_VERSION_LABEL = 80


def safe_file_name(name, content_type):
    """A name safe on every disk and in headers: no folders, ASCII letters, digits, dots, dashes and underscores.
    A stem with nothing left becomes `download`, a missing extension the one of the sniffed type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    clean_stem = secure_filename(stem).strip("._")[:MAX_STEM_LENGTH] or "download"
    clean_suffix = secure_filename(suffix).strip("._")[:MAX_SUFFIX_LENGTH] or EXTENSIONS[content_type]
    return f"{clean_stem}.{clean_suffix}"


def too_large(max_bytes):
    return ProductRefused(f"That file is larger than the {max_bytes // (1024 * 1024)} MiB limit.")


def sniffed(head):
    """The content type of a file starting with `head`; ProductRefused when it is a program or of an unknown kind."""
    try:
        return sniff_content_type(head)
    except UnsupportedFile as problem:
        raise ProductRefused(str(problem)) from None


def check_takes_files(product):
    if product.kind != ProductKind.DIGITAL:
        raise ProductRefused("Only digital products have files to download.")


def file_key(product, name):
    """A fresh private storage key for the deliverable `name` of `product`."""
    return f"products/{product.id}/files/{secrets.token_hex(8)}/{name}"


def _measured(stream, max_bytes):
    """(size, content type) of a seekable upload stream, left at its start; ProductRefused when too large or unknown."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise too_large(max_bytes)
    content_type = sniffed(stream.read(HEAD_BYTES))
    stream.seek(0)
    return size, content_type


def _stored(product, stream, file_name, max_bytes):
    """Check and store the upload privately; returns the ProductFile fields (not yet saved)."""
    check_takes_files(product)
    size, content_type = _measured(stream, max_bytes)
    name = safe_file_name(file_name, content_type)
    key = file_key(product, name)
    get_storage().put(key, stream, content_type)
    return {"storage_key": key, "file_name": name, "size_bytes": size, "content_type": content_type}


def _described(file):
    return {"file_name": file.file_name, "content_type": file.content_type, "size_bytes": file.size_bytes}


def add_product_file(product, stream, file_name, max_bytes, actor):
    """A new deliverable of `product` from the upload `stream`; buyers of later orders receive it."""
    return attach_file(product, _stored(product, stream, file_name, max_bytes), actor)


def attach_file(product, stored, actor):
    """A new deliverable of `product` from a file already checked and in storage (`stored`: the ProductFile fields)."""
    file = ProductFile(**stored)
    product.files.append(file)
    db.session.flush()
    record_admin_action(actor, "product.file_add", product, f"Added {file.file_name}", None, _described(file))
    return file


def replace_product_file(file, stream, file_name, max_bytes, actor, version_label=""):
    """Put a new version in place of `file`; entitlements earlier buyers hold to the old version now fetch the new
    one (same transaction), and the old object is deleted from storage after the commit."""
    label = _version_label(version_label)
    return put_in_place(file, _stored(file.product, stream, file_name, max_bytes), actor, label)


def _version_label(text):
    label = " ".join((text or "").split())
    if len(label) > MAX_VERSION_LABEL:
        raise ProductRefused(f"A version label is at most {MAX_VERSION_LABEL} characters.")
    return label or None


def put_in_place(file, stored, actor, version_label=None):
    """Make `file` the version already checked and in storage (`stored`: the ProductFile fields), numbered one more
    and labelled `version_label`, earlier buyers' entitlements included (their downloads counted afresh when the
    product says so); the old object is deleted from storage after the commit."""
    before, old_key = _described(file), file.storage_key
    moved = {**stored, **(fresh_allowance() if file.product.fresh_downloads_on_update else {})}
    db.session.execute(
        update(DownloadEntitlement)
        .where(DownloadEntitlement.storage_key == file.storage_key)
        .values(**moved)
        .execution_options(synchronize_session=False)
    )
    for name, value in stored.items():
        setattr(file, name, value)
    file.version, file.version_label, file.version_at = (file.version or 1) + 1, version_label, utcnow()
    cleanup.delete_after_commit(old_key)
    message = f"Replaced {before['file_name']} with {file.file_name}"
    after = {**_described(file), "version": file.version, "version_label": version_label}
    record_admin_action(actor, "product.file_replace", file.product, message, before, after)
    return file


def delete_product_file(file, actor):
    """Stop delivering `file` to new buyers; entitlements already granted keep their copy in storage, and a file
    nobody holds is deleted from storage after the commit."""
    cleanup.delete_after_commit(file.storage_key)
    record_admin_action(actor, "product.file_delete", file.product, f"Removed {file.file_name}", _described(file))
    file.product.files.remove(file)


def add_image(product, data, alt_text, actor):
    """A new picture of `product` (variants are rendered by a job after commit). Raises ProductRefused when the
    bytes are not a readable JPEG, PNG or WebP picture."""
    try:
        image = add_product_image(product, data, alt_text.strip()[:300])
    except InvalidImage as problem:
        raise ProductRefused(str(problem)) from None
    record_admin_action(actor, "product.image_add", product, f"Added picture {image.id}", None, {"image_id": image.id})
    return image


def move_image(image, offset, actor):
    """Move a picture `offset` places (-1 earlier, 1 later) in its product's order; the first is the main one."""
    images = list(image.product.images)
    before = [each.id for each in images]
    index = images.index(image)
    target = min(max(index + offset, 0), len(images) - 1)
    images.insert(target, images.pop(index))
    _number(images)
    after = [each.id for each in images]
    record_admin_action(
        actor, "product.image_move", image.product, "Reordered pictures", {"order": before}, {"order": after}
    )


def delete_image(image, actor):
    product = image.product
    record_admin_action(actor, "product.image_delete", product, f"Removed picture {image.id}", {"image_id": image.id})
    cleanup.delete_picture_after_commit(image)
    product.images.remove(image)
    _number(product.images)


def _number(images):
    for position, each in enumerate(images):
        each.position = position
