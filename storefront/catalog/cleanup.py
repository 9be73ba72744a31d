"""Deleting the stored objects a product stopped using: a replaced or removed deliverable, a removed picture and its
sizes, everything of a deleted product.

The change that drops an object records a StorageDeletion in its own transaction and queues a job with its id after
the commit (`delete_after_commit`), so a rolled-back change deletes nothing and a queue outage loses nothing (the
sweep queues it later). The job deletes the object only when nothing points at it any more: a replaced file's
entitlements have moved to the new version in the same transaction, so its old object goes; a removed file that
buyers hold is kept for them. Running the job twice is harmless (a deletion is done once; deleting a missing object
is no error on either backend).

A download already streaming from local storage finishes (the open file outlives its name); on S3 a link minted for
the old version within the last DOWNLOAD_URL_SECONDS fails, and the buyer's next click fetches the new version.
"""

from sqlalchemy import select

from storefront import jobs
from storefront.catalog.models import ProductFile, ProductImage, StorageDeletion
from storefront.clock import utcnow
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.renders.models import ProductImageVariant, Rendition
from storefront.storage import get_storage

DELETE_JOB = "storefront.catalog.cleanup.delete_stored_object"
DELETED, KEPT = "deleted", "kept"
# What may point at a private object (deliverables, renders) and at a public one (pictures and their sizes).
PRIVATE_USERS = (ProductFile.storage_key, DownloadEntitlement.storage_key, Rendition.storage_key)
PUBLIC_USERS = (ProductImage.storage_key, ProductImageVariant.storage_key)


def delete_after_commit(storage_key, public=False):
    """Delete the object at `storage_key` once the current transaction commits, if nothing points at it then."""
    deletion = StorageDeletion(storage_key=storage_key, public=public)
    db.session.add(deletion)
    db.session.flush()
    jobs.enqueue_after_commit(DELETE_JOB, deletion.id, job_id=f"storage-delete-{deletion.id}")


def delete_picture_after_commit(image):
    """A removed picture's original and every size made of it."""
    for key in [image.storage_key, *(variant.storage_key for variant in image.variants)]:
        delete_after_commit(key, public=True)


def delete_product_objects_after_commit(product):
    """Every file and picture (with its sizes) of a product being deleted."""
    for file in product.files:
        delete_after_commit(file.storage_key)
    for image in product.images:
        delete_picture_after_commit(image)


def delete_stored_object(deletion_id):
    """Job: delete the recorded object unless something still points at it, and note which happened."""
    deletion = db.session.get(StorageDeletion, deletion_id)
    if deletion is None or deletion.finished_at is not None:
        db.session.rollback()
        return
    if still_used(deletion.storage_key, deletion.public):
        deletion.outcome = KEPT
    else:
        get_storage().delete(deletion.storage_key, public=deletion.public)
        deletion.outcome = DELETED
    deletion.finished_at = utcnow()
    db.session.commit()


def still_used(storage_key, public):
    """True while a product, picture size, render or buyer's entitlement points at the object."""
    columns = PUBLIC_USERS if public else PRIVATE_USERS
    return any(db.session.scalar(select(column).where(column == storage_key).limit(1)) for column in columns)
