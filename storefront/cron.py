"""Periodic jobs for RQ's own cron scheduler (`rq cron storefront.cron`; worker.py starts exactly one)."""

from rq import cron

from storefront.periodic import PERIODIC_JOBS

for job, interval in PERIODIC_JOBS:
    cron.register(job, queue_name="default", interval=interval)
