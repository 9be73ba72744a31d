"""Render jobs. Each takes an id, re-reads the database and skips work already done, so a duplicated or retried job
creates nothing twice. Failures are recorded on the row and re-raised so RQ retries them (see storefront.jobs)."""

from rq import get_current_job

from storefront import jobs
from storefront.catalog.models import Product, ProductImage
from storefront.downloads.services import grant_file, notify_if_all_ready
from storefront.extensions import db
from storefront.logs import bind_order
from storefront.renders.models import RenderStatus, Rendition
from storefront.renders.services import make_variants
from storefront.renders.templates import get_template
from storefront.storage import get_storage


def render_image_variants(image_id):
    """Make the missing thumb/card/full variants of one product image; returns how many were created."""
    image = db.session.get(ProductImage, image_id)
    if image is None:  # deleted since the upload
        return 0
    created = make_variants(image)
    db.session.commit()
    return len(created)


def render_order_item(rendition_id):
    """Render one order item's personalised file, store it privately, grant its download and, when it was the
    order's last file, queue the "downloads ready" email. A rendition already done is skipped.

    Progress is committed as it goes (10, 60, 100) so the order page can show it."""
    rendition = db.session.get(Rendition, rendition_id)
    if rendition is None or rendition.status == RenderStatus.DONE:
        return
    bind_order(rendition.order_item.order.number)
    _set_progress(rendition, 10, attempt=True)
    try:
        _render_store_and_grant(rendition)
        jobs.commit()  # the "downloads ready" email is queued after this commit
    except Exception as error:
        jobs.rollback()
        _record_failure(rendition_id, error)
        raise


def _render_store_and_grant(rendition):
    item = rendition.order_item
    key, file_name, content_type, size = _render_and_store(rendition)
    grant_file(item, key, file_name, content_type, size)
    rendition.storage_key = key
    rendition.status = RenderStatus.DONE.value
    rendition.progress = 100
    rendition.last_error = None
    notify_if_all_ready(item.order)


def _set_progress(rendition, progress, attempt=False):
    rendition.status = RenderStatus.RENDERING.value
    rendition.progress = progress
    if attempt:
        rendition.attempts += 1
    db.session.commit()


def _render_and_store(rendition):
    """Render the file and store it privately; returns (storage_key, file_name, content_type, size_bytes)."""
    item = rendition.order_item
    product = db.session.get(Product, item.product_id) if item.product_id is not None else None
    if product is None or product.render_template is None:
        raise LookupError(f"order item {item.id} has no product with a render template any more")
    template = get_template(product.render_template)
    data = template.render(item.title, dict(item.personalisation or {}))
    _set_progress(rendition, 60)
    file_name = f"{item.product_slug}.{template.extension}"
    key = f"renders/{item.order.number}/{item.id}/{file_name}"
    get_storage().put(key, data, template.content_type)
    return key, file_name, template.content_type, len(data)


def _will_retry():
    job = get_current_job()
    return job is not None and job.should_retry


def _record_failure(rendition_id, error):
    """Note the error; the status is failed once no retry is left (or outside RQ), queued while RQ will retry."""
    rendition = db.session.get(Rendition, rendition_id)
    if rendition is None or rendition.status == RenderStatus.DONE:  # it failed after its commit (queueing mail)
        return
    rendition.status = RenderStatus.QUEUED.value if _will_retry() else RenderStatus.FAILED.value
    rendition.last_error = f"{type(error).__name__}: {error}"[:2000]
    db.session.commit()
