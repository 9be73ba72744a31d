"""The job queue: RQ on Redis when REDIS_URL is set, otherwise jobs run in-process (the log says so).

Jobs are named by dotted path so the web process never imports job code it does not run."""

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from werkzeug.utils import import_string

from storefront.extensions import db

# Queues the worker listens on, most urgent first.
QUEUE_NAMES = ("default",)


def redis_connection():
    """A Redis client for REDIS_URL, or None when no Redis is configured."""
    url = current_app.config["REDIS_URL"]
    if url is None:
        return None
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


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
    """Queue `func_path(*args)` on RQ; without Redis, run it right here and say so in the log."""
    connection = redis_connection()
    if connection is None:
        current_app.logger.info("no REDIS_URL: running %s%r in-process", func_path, args)
        import_string(func_path)(*args)
        return None
    queue = Queue(QUEUE_NAMES[0], connection=connection)
    return queue.enqueue(func_path, *args, job_id=job_id, retry=Retry(max=3, interval=[10, 60, 300]))


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
