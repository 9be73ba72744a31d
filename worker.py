"""The RQ worker process (Procfile `worker`): runs the app's queues with RQ's scheduler.

SIGTERM triggers RQ's warm shutdown: the current job finishes, then the worker exits.
"""

import sys

from rq import Worker

from storefront import create_app
from storefront.config import ConfigError
from storefront.jobs import QUEUE_NAMES, redis_connection


def main():
    try:
        app = create_app()
    except ConfigError as problem:
        sys.exit(f"storefront worker: configuration error: {problem}")
    with app.app_context():
        connection = redis_connection()
        if connection is None:
            sys.exit(
                "storefront worker: REDIS_URL is not set, so there is no queue to work on (jobs run in the web app)"
            )
        worker = Worker(QUEUE_NAMES, connection=connection)
        worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
