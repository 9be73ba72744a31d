"""Periodic jobs for RQ's own cron scheduler: `rq cron storefront.cron` (worker.py starts exactly one)."""

from rq import cron

from storefront.cart.tasks import expire_abandoned_carts_job
from storefront.orders.tasks import expire_overdue_orders_job

cron.register(expire_overdue_orders_job, queue_name="default", interval=60)
cron.register(expire_abandoned_carts_job, queue_name="default", interval=15 * 60)
