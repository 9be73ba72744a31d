"""How the background work stands, per job kind, for the admin's jobs page: job records pending, failed and done in
the last day (from the database), and RQ's view of the same work — queued, waiting to retry, running, failed —
read from the app's queue and its registries.

Every recorded job reaches RQ under its record's `job_key` as its job id, so RQ's ids are mapped back to a kind
through job_records. RQ is read at most RQ_SAMPLE ids per registry; without Redis (jobs run in-process) or with Redis
unreachable the RQ counts are None and `rq_note` says why, so the page still answers."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import func, select

from storefront import jobs
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.failed_jobs import KINDS
from storefront.job_records import JobRecord, JobState

RECENT = timedelta(hours=24)
RQ_SAMPLE = 1000
# RQ's places a job can be in, as the summary's columns name them.
RQ_PLACES = ("queued", "scheduled", "started", "rq_failed")
UNRECORDED = "Work queued without a job record"
NO_REDIS_NOTE = "No Redis is configured: jobs run in-process, so there is no queue to show."
REDIS_DOWN_NOTE = "Redis cannot be reached right now, so the queue's counts are unknown."


@dataclass(frozen=True)
class KindSummary:
    """One job kind's counts; `rq` holds RQ's, in RQ_PLACES order, or is None when the queue cannot be read."""

    func_path: str
    label: str
    pending: int
    failed: int
    done_recently: int
    rq: tuple | None


@dataclass(frozen=True)
class QueueSummary:
    kinds: list
    rq_note: str | None


def queue_summary():
    """Counts per job kind, busiest first; kinds with nothing pending, queued, failed or recently done are left out."""
    records = _record_counts()
    rq_counts, note = _rq_counts()
    paths = set(records) | {path for counts in (rq_counts or {}).values() for path in counts}
    kinds = [_kind(path, records.get(path, Counter()), rq_counts) for path in paths]
    kinds.sort(key=lambda kind: (-(kind.pending + kind.failed + kind.done_recently), kind.label))
    return QueueSummary(kinds, note)


def _kind(path, counts, rq_counts):
    label = KINDS.get(path, (path,))[0] if path is not None else UNRECORDED
    rq = tuple(rq_counts[place][path] for place in RQ_PLACES) if rq_counts is not None else None
    return KindSummary(path, label, counts["pending"], counts["failed"], counts["done"], rq)


def _record_counts():
    """{func_path: Counter(pending=, failed=, done=)}: two GROUP BY queries on indexed (state, ...) columns."""
    open_states = [JobState.PENDING.value, JobState.FAILED.value]
    by_state = select(JobRecord.func_path, JobRecord.state, func.count()).where(JobRecord.state.in_(open_states))
    recent = select(JobRecord.func_path, JobRecord.state, func.count()).where(
        JobRecord.state == JobState.DONE.value, JobRecord.finished_at >= utcnow() - RECENT
    )
    counts = {}
    for statement in (by_state, recent):
        for path, state, number in db.session.execute(statement.group_by(JobRecord.func_path, JobRecord.state)):
            counts.setdefault(path, Counter())[state] += number
    return counts


def _rq_counts():
    """({place: Counter(func_path or None: n)}, None), or (None, why) without a readable queue."""
    queue = jobs.app_queue()
    if queue is None:
        return None, NO_REDIS_NOTE
    try:
        ids = _rq_job_ids(queue)
    except RedisError as error:
        current_app.logger.warning("queue summary: Redis unreachable: %s", type(error).__name__)
        return None, REDIS_DOWN_NOTE
    kinds = _kinds_of({job_id for place_ids in ids.values() for job_id in place_ids})
    return {place: Counter(kinds.get(job_id) for job_id in place_ids) for place, place_ids in ids.items()}, None


def _rq_job_ids(queue):
    registries = {
        "scheduled": queue.scheduled_job_registry,
        "started": queue.started_job_registry,
        "rq_failed": queue.failed_job_registry,
    }
    # Read only: no cleanup (that moves stale jobs between registries, the worker's business, not a page view's).
    ids = {place: registry.get_job_ids(0, RQ_SAMPLE - 1, cleanup=False) for place, registry in registries.items()}
    return {"queued": queue.get_job_ids(0, RQ_SAMPLE)} | ids


def _kinds_of(job_ids):
    """{job id: func_path} for the ids that are job records' keys."""
    if not job_ids:
        return {}
    statement = select(JobRecord.job_key, JobRecord.func_path).where(JobRecord.job_key.in_(job_ids)).distinct()
    return dict(db.session.execute(statement).all())
