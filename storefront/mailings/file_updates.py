"""Telling earlier buyers that a file they bought has a new version: once per buyer (email) and version, through
the queue. The admin asks; a job finds everyone who holds the file (refunded buyers hold nothing, non-buyers never
did) in batches and queues one email each under a unique key, so running it again sends nothing more."""

import hashlib

from sqlalchemy import func, select

from storefront import jobs
from storefront.audit.services import record_admin_action
from storefront.catalog.admin_services import ProductRefused
from storefront.catalog.models import ProductFile
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.mail.models import DeliveryStatus, EmailDelivery
from storefront.orders.models import Order, OrderItem

NOTICE_JOB = "storefront.mailings.file_updates.send_version_notices"
BATCH_SIZE = 100


def _key_prefix(file_id, version):
    return f"file-update:{file_id}:v{version}:"


def notice_key(file_id, version, email):
    """One key per buyer and version; the email is hashed so the key stays short whatever the address."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"{_key_prefix(file_id, version)}{digest}"


def queue_version_notices(file, actor):
    """Ask (after the caller's commit) for the current version's notice to go to every buyer holding `file`.
    Raises ProductRefused for a file never replaced: there is no new version to tell anyone about."""
    if file.version < 2:
        raise ProductRefused("This file has no new version yet; replace it first.")
    message = f"Emailed buyers about version {file.version} of {file.file_name}"
    record_admin_action(actor, "product.file_notify", file.product, message, None, {"version": file.version})
    job_id = f"file-update-{file.id}-v{file.version}"
    jobs.enqueue_after_commit(NOTICE_JOB, file.id, file.version, job_id=job_id)


def _holders(file, after):
    """A batch of (email, one order id) of buyers holding a live entitlement to `file`, emails after `after`."""
    email = func.lower(Order.email)
    return db.session.execute(
        select(email, func.min(Order.id))
        .join(OrderItem, OrderItem.order_id == Order.id)
        .join(DownloadEntitlement, DownloadEntitlement.order_item_id == OrderItem.id)
        .where(DownloadEntitlement.storage_key == file.storage_key, DownloadEntitlement.revoked_at.is_(None))
        .where(email > after)
        .group_by(email)
        .order_by(email)
        .limit(BATCH_SIZE)
    ).all()


def send_version_notices(file_id, version):
    """Job: queue the notice of `version` of file `file_id` to each buyer, a batch per commit; returns how many
    were new. Does nothing once the file is gone or has a newer version (that version gets its own notice)."""
    file = db.session.get(ProductFile, file_id)
    if file is None or file.version != version:
        db.session.rollback()
        return 0
    queued, after = 0, ""
    while batch := _holders(file, after):
        for email, order_id in batch:
            context = {"file_id": file_id, "version": version, "order_id": order_id}
            queued += queue_email("file_update", notice_key(file_id, version, email), email, **context) is not None
        after = batch[-1][0]
        jobs.commit()
    return queued


def notice_counts(files):
    """{file id: {status: count}} of the current version's notices, for the admin's editor."""
    counts = {}
    for file in files:
        prefix = _key_prefix(file.id, file.version)
        rows = db.session.execute(
            select(EmailDelivery.status, func.count())
            .where(EmailDelivery.unique_key.startswith(prefix, autoescape=True))
            .group_by(EmailDelivery.status)
        )
        counts[file.id] = {status: number for status, number in rows}
    return counts


STATUSES = [status.value for status in DeliveryStatus]
