"""Background jobs that failed after every retry, as the admin sees them: what the job does, what it was about,
its last error, and a way to run it again (through `storefront.jobs`, as the sweep would).

A job's arguments are ids; the first names what it is about (an order, an email, a render...). Only those ids are
shown, looked up into something a person recognises where that is cheap (an order's number)."""

from dataclasses import dataclass

from sqlalchemy import select

from storefront import jobs
from storefront.audit.services import record_admin_action
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.orders.models import Order, OrderItem
from storefront.renders.models import Rendition

PAGE_SIZE = 50
GRANT_FILES = "storefront.downloads.tasks.grant_entitlements_job"
RENDER_ITEM = "storefront.renders.tasks.render_order_item"
# What each job does, and what its first argument is the id of.
KINDS = {
    GRANT_FILES: ("Give a paid order its files", "order"),
    RENDER_ITEM: ("Render a buyer's personalised file", "render"),
    "storefront.mail.tasks.deliver_email": ("Send an email", "email"),
    "storefront.renders.tasks.render_image_variants": ("Make a product picture's sizes", "picture"),
    "storefront.promotions.tasks.sync_promo_code": ("Copy a promotion code to Stripe", "promotion code"),
}


@dataclass(frozen=True)
class FailedJob:
    """A failed record, what it does (`label`), what it was about (`subject`) and that subject's order number."""

    record: JobRecord
    label: str
    subject: str
    order_number: str | None


def failed_jobs_page(page):
    """A page of failed records, the latest failure first, each described."""
    statement = (
        select(JobRecord)
        .where(JobRecord.state == JobState.FAILED.value)
        .order_by(JobRecord.finished_at.desc(), JobRecord.id.desc())
    )
    records = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    numbers = _order_numbers(records.items)
    records.items = [_describe(record, numbers.get(record.id)) for record in records.items]
    return records


def _first_id(record):
    first = record.args[0] if record.args else None
    return first if isinstance(first, int) and not isinstance(first, bool) else None


def _describe(record, order_number):
    label, noun = KINDS.get(record.func_path, (record.func_path, "item"))
    first = _first_id(record)
    return FailedJob(record, label, f"{noun} #{first}" if first is not None else "", order_number)


def _order_numbers(records):
    """{record id: order number} for the records about an order or an order's render (two small queries)."""
    about = {kind: {r.id: _first_id(r) for r in records if r.func_path == kind} for kind in (GRANT_FILES, RENDER_ITEM)}
    orders = _numbers(select(Order.id, Order.number).where(Order.id.in_(about[GRANT_FILES].values())))
    renders = _numbers(
        select(Rendition.id, Order.number)
        .join(OrderItem, OrderItem.id == Rendition.order_item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Rendition.id.in_(about[RENDER_ITEM].values()))
    )
    found = {GRANT_FILES: orders, RENDER_ITEM: renders}
    return {rid: found[kind][sid] for kind, ids in about.items() for rid, sid in ids.items() if sid in found[kind]}


def _numbers(statement):
    return dict(db.session.execute(statement).all())


def run_again(record, actor):
    """Queue a failed job record again once the caller commits (`jobs.commit`), audited. Raises
    jobs.CannotRunAgain."""
    jobs.run_again_after_commit(record)
    label = KINDS.get(record.func_path, (record.func_path,))[0]
    record_admin_action(
        actor,
        "job.run_again",
        record,
        message=f"Ran again: {label} ({record.job_key}).",
        before={"state": JobState.FAILED.value, "last_error": record.last_error},
        after={"state": JobState.PENDING.value},
    )
    return record
