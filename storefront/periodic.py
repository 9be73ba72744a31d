"""The periodic jobs and how often they run, in one place.

With Redis, RQ's cron scheduler (started by worker.py, see storefront/cron.py) enqueues them. Without Redis,
the web app runs whichever are due after a request, in-process, so a shop on the embedded defaults still
releases the stock of abandoned checkouts.
"""

import time

from storefront.cart.tasks import expire_abandoned_carts_job, send_cart_reminders_job
from storefront.orders.tasks import expire_overdue_orders_job
from storefront.payments.failures import prune_webhook_failures_job
from storefront.sweep import sweep_job_records_job

PERIODIC_JOBS = (
    # Every minute: work recorded with a commit but never queued (a queue outage) is queued within a minute.
    (sweep_job_records_job, 60),
    (expire_overdue_orders_job, 60),
    (expire_abandoned_carts_job, 15 * 60),
    # Consented cart reminders go out within five minutes of CART_REMINDER_DELAY_MINUTES.
    (send_cart_reminders_job, 5 * 60),
    # Refused webhook deliveries are kept 30 days (storefront/payments/failures.py).
    (prune_webhook_failures_job, 60 * 60),
)

LAST_RUN_KEY = "storefront.periodic_last_run"


def run_due_jobs_in_process(app, clock=time.monotonic):
    """Run the periodic jobs whose interval has passed since they last ran in this app (process).

    Each runs in its own app context, so it has its own database session, apart from the request's.
    """
    last_run = app.extensions.setdefault(LAST_RUN_KEY, {})
    now = clock()
    for job, interval in PERIODIC_JOBS:
        if now - last_run.get(job, float("-inf")) < interval:
            continue
        last_run[job] = now
        try:
            with app.app_context():
                job()
        except Exception:
            # A failed housekeeping job must not break the shopper's page; it is logged and tried next interval.
            app.logger.exception("periodic job %s failed", job.__name__)
