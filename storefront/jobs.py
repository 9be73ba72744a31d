"""The job queue: RQ on Redis when REDIS_URL is set, otherwise jobs run in-process (the log says so).

Work that must follow a commit (a receipt, a paid order's files, a render) is recorded as a `JobRecord` in that
same transaction (`enqueue_after_commit`), then enqueued once the transaction commits (`commit`). A queue outage
at that moment is logged, never raised: the record stays pending and the periodic `sweep` (storefront.sweep)
enqueues it. RQ runs the record through `run_recorded_job`, which marks it done, so "due and not done" is always
answerable from the database. Jobs are named by dotted path so the web process never imports job code it does not
run; their arguments are ids, never secrets (they are stored and shown in the worker's log).
"""

from flask import current_app, g
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import DuplicateJobError
from rq.job import JobStatus
from sqlalchemy import update
from werkzeug.utils import import_string

from storefront import logs
from storefront.clock import utcnow
from storefront.events_log import events
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState

# The default queue (JOB_QUEUE): the app enqueues to it, worker.py and RQ's cron scheduler use it.
QUEUE_NAMES = ("default",)
RUN_RECORDED_JOB = "storefront.jobs.run_recorded_job"
# Set on `g` when work recorded in this app context could not be queued (storefront.outage tells the shopper).
QUEUE_DELAYED = "storefront.queue_delayed"
# RQ states after which the job will not run again by itself.
TERMINAL = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def redis_connection():
    """A Redis client for REDIS_URL, or None when no Redis is configured."""
    url = current_app.config["REDIS_URL"]
    if url is None:
        return None
    # One client (and so one connection pool) per app and URL, not a new pool for every job queued.
    clients = current_app.extensions.setdefault("storefront.redis_clients", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return clients[url]


def redis_state():
    """'ok', 'down' or 'not configured', for health checks."""
    connection = redis_connection()
    if connection is None:
        return "not configured"
    try:
        connection.ping()
    except RedisError as error:
        current_app.logger.warning("Redis health check failed: %s", type(error).__name__)
        return "down"
    return "ok"


def app_queue(connection=None):
    """The app's RQ queue (JOB_QUEUE), or None without Redis."""
    connection = connection or redis_connection()
    return Queue(current_app.config["JOB_QUEUE"], connection=connection) if connection is not None else None


def max_attempts():
    """Runs a recorded job gets: the first and one per JOB_RETRY_INTERVALS entry."""
    return len(current_app.config["JOB_RETRY_INTERVALS"]) + 1


def _retry():
    intervals = current_app.config["JOB_RETRY_INTERVALS"]
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def enqueue(func_path, *args, job_id=None):
    """Queue `func_path(*args)` right now, unrecorded (tests and one-off commands); in-process without Redis."""
    queue = app_queue()
    if queue is None:
        return import_string(func_path)(*args)
    return queue.enqueue(func_path, *args, job_id=job_id, retry=_retry())


# Recording jobs in the caller's transaction

_DEFERRED = "storefront.deferred_jobs"


def enqueue_after_commit(func_path, *args, job_id=None):
    """Record `func_path(*args)` in the current transaction; `commit` enqueues it, the sweep if that fails.

    `job_id` names the work (``email-42``): while a record of it is pending, asking again adds nothing.
    Dropped if the transaction rolls back.
    """
    key = job_id or f"{func_path.rsplit('.', 1)[-1]}-{utcnow().timestamp():.6f}"
    pending = db.session.info.setdefault(_DEFERRED, [])
    if any(record.job_key == key for record in pending) or _pending_record_id(key) is not None:
        return
    record = JobRecord(job_key=key, func_path=func_path, args=list(args), state=JobState.PENDING.value, attempts=0)
    db.session.add(record)
    pending.append(record)


def _pending_record_id(key):
    return db.session.scalar(
        db.select(JobRecord.id).where(JobRecord.job_key == key, JobRecord.state == JobState.PENDING.value)
    )


def commit():
    """Commit the session, then enqueue the jobs recorded during the transaction (a failure is only logged)."""
    db.session.flush()
    # A plain rollback since they were recorded dropped them from the session: only the surviving ones count.
    records = [record for record in db.session.info.pop(_DEFERRED, []) if record in db.session]
    recorded = [(record.id, record.job_key, record.func_path, list(record.args)) for record in records]
    db.session.commit()
    for record_id, key, func_path, args in recorded:
        dispatch(record_id, key, func_path, args)


class CannotRunAgain(Exception):
    """The record cannot be run again; the message says why and is safe to show to an admin."""


def run_again_after_commit(record):
    """Make a failed `record` pending again with fresh attempts, so `commit` hands it to RQ (and the sweep, if that
    fails), like a new record. Returns the record; raises CannotRunAgain unless it is failed, or while another
    pending record stands for the same work (that one will run it). A conditional UPDATE: of two admins asking at
    once, one gets the record and the other CannotRunAgain, so it is dispatched once."""
    if record.state != JobState.FAILED:
        raise CannotRunAgain("Only a failed job can be run again; this one is already pending or done.")
    if _pending_record_id(record.job_key) is not None:
        raise CannotRunAgain("The same work is already waiting to run.")
    again = {"state": JobState.PENDING.value, "attempts": 0, "finished_at": None, "created_at": utcnow()}
    claimed = update(JobRecord).where(JobRecord.id == record.id, JobRecord.state == JobState.FAILED.value)
    if db.session.execute(claimed.values(**again)).rowcount != 1:
        raise CannotRunAgain("Someone else has just run this job again.")
    db.session.refresh(record)
    db.session.info.setdefault(_DEFERRED, []).append(record)
    return record


def rollback():
    db.session.info.pop(_DEFERRED, None)
    db.session.rollback()


def dispatch(record_id, key, func_path, args):
    """Hand one recorded job to RQ, or run it here without Redis. Never raises: the record stays pending and the
    sweep tries again, so a queue outage cannot turn a committed change into an error page."""
    queue = app_queue()
    if queue is None:
        current_app.logger.info("no REDIS_URL: running %s in-process", func_path)
        _run_in_process(record_id)
        return
    try:
        _enqueue_record(queue, record_id, key, func_path, args)
    except DuplicateJobError:
        current_app.logger.info("%s (job record %s) is already queued or running", key, record_id)
    except RedisError as error:
        current_app.logger.warning(
            "could not queue %s (job record %s): %s; the sweep will queue it", func_path, record_id, error
        )
        g.setdefault(QUEUE_DELAYED, True)
    except Exception:  # noqa: BLE001 (the record is durable: anything else is logged in full and swept later)
        current_app.logger.exception("could not queue %s (job record %s); the sweep will", func_path, record_id)


def _enqueue_record(queue, record_id, key, func_path, args):
    description = f"{func_path}({', '.join(map(repr, args))}) [job record {record_id}]"
    options = {"job_id": key, "retry": _retry(), "description": description, "unique": True, "meta": _log_meta()}
    try:
        queue.enqueue(RUN_RECORDED_JOB, record_id, **options)
    except DuplicateJobError:
        # The same work ran before under this id (an earlier record): drop that finished job and queue this one.
        # A copy still queued or running is left alone; it re-reads the database and covers this record.
        if _drop_if_over(queue, key):
            queue.enqueue(RUN_RECORDED_JOB, record_id, **options)


def _log_meta():
    """The enqueuing request's id travels in RQ's job meta (never in the job's arguments) to the worker's lines."""
    request_id = logs.current_request_id()
    return {"request_id": request_id} if request_id else {}


def _drop_if_over(queue, job_id):
    job = queue.fetch_job(job_id)
    if job is None or job.get_status() in TERMINAL:
        if job is not None:
            job.delete()
        return True
    return False


def _run_in_process(record_id):
    try:
        run_recorded_job(record_id)
    except Exception:
        current_app.logger.exception("in-process job record %s failed", record_id)
        db.session.rollback()


# Running a recorded job


def run_recorded_job(record_id):
    """Run the job a record names and mark it done; a failure is noted on the record and re-raised (RQ retries).

    The job itself is idempotent, so a record run twice (by a retry, or the sweep after a lost worker) is safe.
    Its log lines carry the id of the request that queued it, and end with one "job done" or "job failed" line."""
    job = get_current_job()
    tokens = logs.bind(job.meta.get("request_id") if job is not None else logs.current_request_id())
    try:
        _run_record(record_id)
    finally:
        logs.unbind(tokens)


def _run_record(record_id):
    record = db.session.get(JobRecord, record_id)
    if record is None or record.state == JobState.DONE:
        db.session.rollback()
        return
    func_path, args = record.func_path, list(record.args)
    record.attempts += 1
    db.session.commit()
    try:
        import_string(func_path)(*args)
    except Exception as error:
        rollback()
        _note_failure(record_id, error)
        events.warning(
            "job failed: %s (record %s, order %s): %s", func_path, record_id, _order_label(), type(error).__name__
        )
        raise
    finish_record(record_id, JobState.DONE)
    events.info("job done: %s (record %s, order %s)", func_path, record_id, _order_label())


def _order_label():
    return logs.order_number_var.get() or "-"


def _note_failure(record_id, error):
    record = db.session.get(JobRecord, record_id)
    record.last_error = f"{type(error).__name__}: {error}"[:2000]
    if not _will_retry(record):
        record.state = JobState.FAILED.value
        record.finished_at = utcnow()
    db.session.commit()


def _will_retry(record):
    job = get_current_job()
    if job is not None:
        return job.should_retry
    return record.attempts < max_attempts()


def finish_record(record_id, state, error=None):
    """Mark a record done or failed (committed)."""
    values = {"state": state.value, "finished_at": utcnow()}
    if error is not None:
        values["last_error"] = error
    db.session.execute(update(JobRecord).where(JobRecord.id == record_id).values(**values))
    db.session.commit()


def is_in_rq(queue, job_id):
    """True while RQ holds `job_id` queued, scheduled, deferred or running: it will run without our help."""
    job = queue.fetch_job(job_id)
    return job is not None and job.get_status() not in TERMINAL
