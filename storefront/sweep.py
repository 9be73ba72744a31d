"""The periodic sweep that makes recorded jobs durable: every minute (RQ cron, or in-process without Redis) it
hands over any job record that is due and not done, and forgets records long done.

A record is due once it is older than a short grace period (the committing request normally enqueues it within
milliseconds) and RQ does not hold it: it was never enqueued (Redis was down at the commit), Redis lost it, or its
worker died after RQ gave up on it.
"""

from datetime import timedelta

from sqlalchemy import delete, select

from storefront import jobs
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState

GRACE = timedelta(seconds=30)
KEEP_FINISHED = timedelta(days=7)
BATCH = 500


def sweep_job_records(now=None):
    """Enqueue (or, without Redis, run) every due recorded job; returns how many were handed over."""
    now = now or utcnow()
    due = _due_records(now)
    queue = jobs.app_queue()
    handed = sum(_hand_over(queue, record) for record in due)
    _forget_finished(now)
    return handed


def _due_records(now):
    rows = db.session.execute(
        select(JobRecord.id, JobRecord.job_key, JobRecord.func_path, JobRecord.args, JobRecord.attempts)
        .where(JobRecord.state == JobState.PENDING.value, JobRecord.created_at < now - GRACE)
        .order_by(JobRecord.id)
        .limit(BATCH)
    ).all()
    db.session.commit()
    return rows


def _hand_over(queue, record):
    """Dispatch one pending record unless RQ still holds it; give up on one that used all its attempts."""
    if queue is not None and jobs.is_in_rq(queue, record.job_key):
        return False
    if record.attempts >= jobs.max_attempts():
        jobs.finish_record(record.id, JobState.FAILED, f"gave up after {record.attempts} attempts (worker lost)")
        return False
    jobs.dispatch(record.id, record.job_key, record.func_path, list(record.args))
    return True


def _forget_finished(now):
    db.session.execute(
        delete(JobRecord).where(JobRecord.state != JobState.PENDING.value, JobRecord.finished_at < now - KEEP_FINISHED)
    )
    db.session.commit()


def sweep_job_records_job():
    """Periodic: the sweep as a job, for RQ cron and the in-process scheduler."""
    return sweep_job_records()
