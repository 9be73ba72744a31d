"""Direct uploads: with S3 storage an admin's browser sends a file straight to the bucket instead of through the app.

`start_direct_upload` picks a fresh pending key (never the browser's file name), asks storage for a pre-signed POST
that allows exactly that key and at most the upload limit, and signs a ticket naming the key, the admin, the product
and what the upload is for. `finish_direct_upload` trusts nothing but that ticket: it looks at what S3 holds under
the key (its size, and its type sniffed from a ranged read of the first bytes), promotes it to its final key and
attaches it through the same verbs as a streamed upload. A refused file's pending object is deleted, so nothing
half-made stays behind. Callers own the transaction.
"""

import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from storefront.catalog import uploads
from storefront.catalog.admin_services import ProductRefused
from storefront.catalog.models import ProductFile
from storefront.catalog.sniffing import HEAD_BYTES
from storefront.extensions import db
from storefront.storage import get_storage

# The browser must start sending within this many seconds; finishing may come later, up to TICKET_SECONDS.
POST_SECONDS = 15 * 60
TICKET_SECONDS = 6 * 60 * 60
TICKET_SALT = "storefront.direct-upload"
FILE, REPLACE, IMAGE = "file", "replace", "image"


@dataclass(frozen=True)
class Ticket:
    key: str
    purpose: str
    product_id: int
    file_id: int | None
    actor_id: int


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=TICKET_SALT)


def start_direct_upload(product, purpose, file_id, max_bytes, actor):
    """{"url", "fields", "ticket"}: where the browser posts the file (the file last), and the ticket it sends to
    finish. `purpose` is FILE (a new deliverable), REPLACE (a new version of deliverable `file_id`) or IMAGE.
    Raises ProductRefused when storage takes no direct uploads or the product cannot take this one."""
    storage = _direct_storage()
    _target(product, purpose, file_id)
    key = secrets.token_hex(16)
    form = storage.direct_upload(key, max_bytes, POST_SECONDS)
    ticket = _serializer().dumps([key, purpose, product.id, file_id if purpose == REPLACE else None, actor.id])
    return {"url": form["url"], "fields": form["fields"], "ticket": ticket}


def finish_direct_upload(product, ticket_text, file_name, alt_text, max_bytes, actor):
    """Check the object uploaded under the ticket's key and attach it to `product` as the ticket says; returns
    (purpose, the ProductFile or ProductImage). Raises ProductRefused for a ticket that is not this admin's for this
    product (leaving its object alone), and for a missing, oversized or unaccepted file (deleting the pending object).
    """
    ticket = _ticket(ticket_text, product, actor)
    storage = _direct_storage()
    try:
        target = _target(product, ticket.purpose, ticket.file_id)
        size = _checked_size(storage, ticket.key, max_bytes)
        if ticket.purpose == IMAGE:
            return IMAGE, _finish_image(storage, product, ticket.key, alt_text, actor)
        return ticket.purpose, _finish_file(storage, product, target, ticket.key, size, file_name, actor)
    except ProductRefused:
        storage.discard(ticket.key)
        raise


def _direct_storage():
    storage = get_storage()
    if not storage.accepts_direct_uploads:
        raise ProductRefused("This shop's storage takes uploads through the form only.")
    return storage


def _ticket(text, product, actor):
    try:
        ticket = Ticket(*_serializer().loads(text, max_age=TICKET_SECONDS))
    except SignatureExpired:
        raise ProductRefused("That upload was started too long ago; upload the file again.") from None
    except (BadSignature, TypeError, ValueError):
        raise ProductRefused("That upload was not started from this page; upload the file again.") from None
    if ticket.actor_id != actor.id or ticket.product_id != product.id:
        raise ProductRefused("That upload was started by another admin or for another product.")
    return ticket


def _target(product, purpose, file_id):
    """The ProductFile a REPLACE upload replaces (None for the others); ProductRefused when there is none."""
    if purpose == IMAGE:
        return None
    if purpose not in {FILE, REPLACE}:
        raise ProductRefused("Say what the upload is for: a file, a new version of one, or a picture.")
    uploads.check_takes_files(product)
    if purpose == FILE:
        return None
    statement = select(ProductFile).where(ProductFile.id == file_id, ProductFile.product_id == product.id)
    file = db.session.scalar(statement) if isinstance(file_id, int) else None
    if file is None:
        raise ProductRefused("That file is no longer part of this product.")
    return file


def _checked_size(storage, key, max_bytes):
    size = storage.pending_size(key)
    if size is None:
        raise ProductRefused("The file never reached storage; upload it again.")
    if size > max_bytes:
        raise uploads.too_large(max_bytes)
    return size


def _finish_file(storage, product, replaced, key, size, file_name, actor):
    content_type = uploads.sniffed(storage.pending_head(key, HEAD_BYTES) if size else b"")
    name = uploads.safe_file_name(file_name, content_type)
    final_key = storage.promote(key, uploads.file_key(product, name), content_type)
    stored = {"storage_key": final_key, "file_name": name, "size_bytes": size, "content_type": content_type}
    if replaced is None:
        return uploads.attach_file(product, stored, actor)
    return uploads.put_in_place(replaced, stored, actor)


def _finish_image(storage, product, key, alt_text, actor):
    """Pictures are decoded whole to be checked and measured (as streamed ones are), then stored publicly."""
    image = uploads.add_image(product, storage.pending_read(key), alt_text, actor)
    storage.discard(key)
    return image
