"""The RQ worker process (Procfile `worker`): works on the app's queue (JOB_QUEUE) with RQ's scheduler (for
retries with back-off) and, in a child process, exactly one RQ cron scheduler for the periodic jobs in
storefront/cron.py. Set RUN_CRON=0 on any extra worker so the periodic jobs are not scheduled twice.

SIGTERM triggers RQ's warm shutdown: the current job finishes, then the worker exits with status 0. A second
SIGTERM (or SIGINT) is a cold shutdown that kills the job, which RQ then retries.
"""

import multiprocessing
import os
import signal
import sys

from redis import Redis
from rq import Worker
from rq.cron import CronScheduler

from storefront import create_app
from storefront.config import ConfigError
from storefront.extensions import db
from storefront.jobs import redis_connection


class ShopWorker(Worker):
    """RQ's forking worker, except that the work horse ignores SIGTERM: platforms often signal the whole process
    group on shutdown, and the horse must finish its job while the worker's warm shutdown waits for it."""

    def setup_work_horse_signals(self):
        super().setup_work_horse_signals()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_cron(redis_url):
    scheduler = CronScheduler(connection=Redis.from_url(redis_url))
    scheduler.load_config_from_file("storefront.cron")
    scheduler.start()


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
        if os.environ.get("RUN_CRON", "1").strip() != "0":
            multiprocessing.Process(target=run_cron, args=(app.config["REDIS_URL"],), daemon=True).start()
        # RQ forks a work horse per job; it must open its own database connections, not share ours.
        os.register_at_fork(after_in_child=lambda: db.engine.dispose(close=False))
        ShopWorker([app.config["JOB_QUEUE"]], connection=connection).work(with_scheduler=True)


if __name__ == "__main__":
    main()
