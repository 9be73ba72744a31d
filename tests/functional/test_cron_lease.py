"""Several cron schedulers (one per worker dyno) on one Redis: only the lease holder enqueues the periodic jobs, and
whoever takes the lease over keeps to the schedule instead of running everything again."""

from datetime import UTC, datetime, timedelta

import pytest

from storefront.cron_lease import LeasedCronScheduler, lease_key, schedule_key
from storefront.periodic import PERIODIC_JOBS


@pytest.fixture
def schedulers(rq_queue):
    """Two schedulers, as two worker dynos start them, with the shop's periodic jobs on the test's queue."""
    made = [LeasedCronScheduler(rq_queue.connection, rq_queue.name) for _ in range(2)]
    for scheduler in made:
        for job, interval in PERIODIC_JOBS:
            scheduler.register(job, rq_queue.name, interval=interval)
    yield made
    rq_queue.connection.delete(lease_key(rq_queue.name), schedule_key(rq_queue.name))


def queued(queue):
    return sorted(job.func_name.rsplit(".", 1)[1] for job in queue.get_jobs())


def test_only_the_lease_holder_enqueues(rq_queue, schedulers):
    first, second = schedulers

    assert len(first.enqueue_jobs()) == len(PERIODIC_JOBS)
    assert second.enqueue_jobs() == []
    assert first.enqueue_jobs() == []  # nothing due yet

    assert queued(rq_queue) == sorted(job.__name__ for job, _ in PERIODIC_JOBS)


def test_a_new_holder_keeps_to_the_schedule_the_old_one_left(rq_queue, schedulers):
    first, second = schedulers
    first.register_birth()
    first.enqueue_jobs()
    first.register_death()  # a clean stop hands the lease over at once
    # A minute later: the minutely jobs are due again, the others are not.
    minute_ago = (datetime.now(UTC) - timedelta(seconds=61)).timestamp()
    for job in first.get_jobs():
        if job.interval == 60:
            rq_queue.connection.hset(schedule_key(rq_queue.name), job.name, minute_ago)
    due = [job.interval for job in second.enqueue_jobs()]

    assert due == [60] * sum(1 for _, interval in PERIODIC_JOBS if interval == 60)
    assert len(rq_queue.get_jobs()) == len(PERIODIC_JOBS) + len(due)


def test_a_holder_that_stopped_renewing_loses_the_lease(rq_queue, schedulers):
    first, second = schedulers
    assert first.holds_lease() and not second.holds_lease()

    rq_queue.connection.delete(lease_key(rq_queue.name))  # as if its lease had lapsed

    assert second.holds_lease() and not first.holds_lease()
