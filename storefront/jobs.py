"""Redis helpers shared by the web app, the health check and the RQ worker."""

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

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
