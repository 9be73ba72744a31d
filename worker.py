"""The RQ worker process (Procfile `worker`): works on the app's queue (JOB_QUEUE) with RQ's scheduler (for
retries with back-off) and, in a child process, an RQ cron scheduler for the periodic jobs in
storefront/cron.py. Every worker may run one: a lease in Redis lets only one of them enqueue at a time
(storefront/cron_lease.py), so scaling workers never schedules a periodic job twice. RUN_CRON=0 leaves it out.

A worker that dies outright (kill -9, a crashed dyno) leaves its job in RQ's started registry until the job's
heartbeat lapses (monitoring interval + 60 s) and a maintenance pass of any live worker retries it. RQ's defaults
(30 s and every 10 minutes) let a paid order wait "Preparing your files" for over ten minutes; ours bring a new or
surviving worker to pick the job up again within two minutes.

Before forking anything (the cron child, RQ's scheduler, a work horse per job) the worker warms the app up once
(storefront.prefork): job modules imported, SQLAlchemy mappers configured, PDF fonts registered, the heap frozen.
A horse then starts a job in milliseconds instead of redoing ~0.5-1 s of set-up, and shares those pages with us.

SIGTERM triggers RQ's warm shutdown: the current job finishes, then the worker exits with status 0. A second
SIGTERM (or SIGINT) is a cold shutdown that kills the job, which RQ then retries.
"""

import multiprocessing
import os
import signal
import sys

from rq import Worker

from storefront import create_app
from storefront.config import ConfigError
from storefront.cron_lease import run as run_cron
from storefront.jobs import redis_connection
from storefront.prefork import dispose_inherited_connections, warm_up_worker

# Seconds between the worker's heartbeats while a job runs (a dead worker's job is abandoned 60 s after the last)
# and between its maintenance passes (which retry abandoned jobs). An idle worker only looks at the clock between
# blocking waits for the next job, which last its TTL less 15 s, so the TTL keeps those waits at 10 s.
JOB_MONITORING_SECONDS = 10
MAINTENANCE_SECONDS = 15
WORKER_TTL_SECONDS = 25


class ShopWorker(Worker):
    """RQ's forking worker, except that the work horse ignores SIGTERM: platforms often signal the whole process
    group on shutdown, and the horse must finish its job while the worker's warm shutdown waits for it."""

    def setup_work_horse_signals(self):
        super().setup_work_horse_signals()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


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
        warm_up_worker(app)
        if os.environ.get("RUN_CRON", "1").strip() != "0":
            cron_settings = (app.config["REDIS_URL"], app.config["JOB_QUEUE"])
            multiprocessing.Process(target=run_cron, args=cron_settings, daemon=True).start()
        # RQ forks a work horse per job; it must open its own database connections, not share ours.
        os.register_at_fork(after_in_child=lambda: dispose_inherited_connections(app))
        worker = ShopWorker(
            [app.config["JOB_QUEUE"]],
            connection=connection,
            job_monitoring_interval=JOB_MONITORING_SECONDS,
            maintenance_interval=MAINTENANCE_SECONDS,
            worker_ttl=WORKER_TTL_SECONDS,
        )
        worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
