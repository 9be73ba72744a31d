"""Periodic jobs for RQ's cron scheduler, started by worker.py (or supervise.py) through storefront/cron_lease.py,
which lets one scheduler at a time enqueue them however many workers run.

They go to the queue the worker listens on: JOB_QUEUE, read here from the environment as the app reads it."""

import os

from rq import cron

from storefront.periodic import PERIODIC_JOBS

for job, interval in PERIODIC_JOBS:
    cron.register(job, queue_name=os.environ.get("JOB_QUEUE", "default").strip(), interval=interval)
