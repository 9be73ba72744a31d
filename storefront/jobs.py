"""The job queue: RQ on Redis when REDIS_URL is set, otherwise jobs run in-process (the log says so).

Jobs are named by dotted path so the web process never imports job code it does not run."""

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from werkzeug.utils import import_string

from storefront.extensions import db

# The default queue (JOB_QUEUE): the app enqueues to it, worker.py and RQ's cron scheduler use it.
QUEUE_NAMES = ("default",)


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


_DEFERRED = "storefront.deferred_jobs"


def enqueue(func_path, *args, job_id=None):
    """Queue `func_path(*args)` on RQ (JOB_QUEUE), retried once per JOB_RETRY_INTERVALS entry, then left failed.

    Without Redis, run it right here and say so in the log. An in-process failure is logged, not raised: the
    caller's transaction has already committed, and the job records its own failure for the admin to see.
    """
    connection = redis_connection()
    if connection is None:
        _run_in_process(func_path, args)
        return None
    queue = Queue(current_app.config["JOB_QUEUE"], connection=connection)
    intervals = current_app.config["JOB_RETRY_INTERVALS"]
    return queue.enqueue(func_path, *args, job_id=job_id, retry=Retry(max=len(intervals), interval=intervals))


def _run_in_process(func_path, args):
    current_app.logger.info("no REDIS_URL: running %s in-process", func_path)
    try:
        import_string(func_path)(*args)
    except Exception:
        current_app.logger.exception("in-process job %s failed", func_path)
        db.session.rollback()


def enqueue_after_commit(func_path, *args, job_id=None):
    """Queue a job once the current transaction commits (see `commit`); dropped if it rolls back."""
    db.session.info.setdefault(_DEFERRED, []).append((func_path, args, job_id))


def commit():
    """Commit the session, then queue the jobs deferred during the transaction."""
    deferred = db.session.info.pop(_DEFERRED, [])
    db.session.commit()
    for func_path, args, job_id in deferred:
        enqueue(func_path, *args, job_id=job_id)


def rollback():
    db.session.info.pop(_DEFERRED, None)
    db.session.rollback()
