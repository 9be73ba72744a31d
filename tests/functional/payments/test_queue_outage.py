"""A queue outage at the moment a payment commits strands nothing: the work is recorded with the payment and the
minute sweep queues it once Redis answers again."""

from datetime import timedelta

import pytest
from redis import Redis
from rq.cron import CronScheduler
from sqlalchemy import select

from storefront import jobs
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.jobs import QUEUE_NAMES
from storefront.mail.models import EmailDelivery
from storefront.orders.status import OrderStatus
from storefront.sweep import sweep_job_records
from tests import stripe_fake
from tests.functional.downloads.support import ebook, entitlements_of
from tests.functional.payments.support import confirmations_sent, place_stripe_order, reload

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
A_MINUTE_LATER = timedelta(minutes=1)


def paid_event(order):
    return stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order))


def records(state=None):
    db.session.expire_all()
    query = select(JobRecord).order_by(JobRecord.id)
    if state is not None:
        query = query.where(JobRecord.state == state)
    return db.session.scalars(query).all()


@pytest.fixture
def paid_during_outage(stripe_app, webhook, rq_queue):
    """A digital order whose paying webhook commits while Redis is unreachable."""
    order = place_stripe_order((ebook(), 1))
    stripe_app.config["REDIS_URL"] = UNREACHABLE_REDIS
    response = webhook(paid_event(order))
    return order, response


def test_the_webhook_answers_200_and_the_order_is_paid(paid_during_outage):
    order, response = paid_during_outage

    assert response.status_code == 200
    assert response.get_json() == {"received": True, "duplicate": False}
    assert reload(order).status == OrderStatus.PAID


def test_the_receipt_and_the_files_wait_as_pending_records(paid_during_outage):
    assert {record.func_path for record in records(JobState.PENDING)} == {
        "storefront.mail.tasks.deliver_email",
        "storefront.downloads.tasks.grant_entitlements_job",
    }


def test_the_sweep_queues_them_once_redis_is_back(paid_during_outage, stripe_app, rq_queue, redis_url, run_worker):
    order, _ = paid_during_outage
    stripe_app.config["REDIS_URL"] = redis_url

    assert sweep_job_records(now=utcnow() + A_MINUTE_LATER) == 2
    run_worker()

    assert confirmations_sent(order) == 1
    assert [e.file_name for e in entitlements_of(order)] == ["harbour-birds.pdf"]
    kinds = db.session.scalars(select(EmailDelivery.kind).where(EmailDelivery.status == "sent")).all()
    assert sorted(kinds) == ["downloads_ready", "order_confirmation"]
    assert records(JobState.PENDING) == []


def test_stripes_retry_is_a_duplicate_and_the_sweep_still_delivers(
    paid_during_outage, webhook, stripe_app, redis_url, run_worker
):
    order, _ = paid_during_outage
    again = webhook(paid_event(order))  # a new event id, same payment: recorded once
    stripe_app.config["REDIS_URL"] = redis_url
    sweep_job_records(now=utcnow() + A_MINUTE_LATER)
    run_worker()

    assert again.status_code == 200
    assert confirmations_sent(order) == 1


def test_records_just_committed_are_left_to_the_committing_request(paid_during_outage, stripe_app, redis_url):
    stripe_app.config["REDIS_URL"] = redis_url

    assert sweep_job_records(now=utcnow()) == 0


def test_a_job_that_queues_jobs_survives_an_outage_at_its_own_commit(stripe_app, rq_queue, redis_url, run_worker):
    """The grant job commits the downloads-ready email; Redis dies at that commit; the sweep sends it."""
    order = place_stripe_order((ebook(), 1))
    from storefront.orders import services as orders

    orders.mark_paid(reload(order), "Payment received.")
    jobs.commit()  # queued to the real Redis
    stripe_app.config["REDIS_URL"] = UNREACHABLE_REDIS
    grant = next(r for r in records() if r.func_path.endswith("grant_entitlements_job"))
    jobs.run_recorded_job(grant.id)  # the worker runs it; its own commit cannot queue the email

    email = next(r for r in records(JobState.PENDING) if r.func_path.endswith("deliver_email") and r.id != grant.id)
    stripe_app.config["REDIS_URL"] = redis_url
    sweep_job_records(now=utcnow() + A_MINUTE_LATER)
    run_worker()

    assert db.session.get(JobRecord, email.id).state == JobState.DONE
    kinds = db.session.scalars(select(EmailDelivery.kind).where(EmailDelivery.status == "sent")).all()
    assert "downloads_ready" in kinds


def test_without_redis_the_sweep_runs_a_failed_job_again_until_it_gives_up(app, monkeypatch):
    """In-process: a job that fails stays pending, is tried again by the sweep, and is failed after its attempts."""
    calls = []

    def flaky(*args):
        calls.append(args)
        raise RuntimeError("mail server down")

    monkeypatch.setattr("storefront.mail.tasks.deliver_email", flaky)
    jobs.enqueue_after_commit("storefront.mail.tasks.deliver_email", 7, job_id="email-7")
    jobs.commit()
    later = utcnow() + A_MINUTE_LATER
    for _ in range(jobs.max_attempts() + 2):
        sweep_job_records(now=later)

    assert len(calls) == jobs.max_attempts()
    [record] = records()
    assert record.state == JobState.FAILED and "mail server down" in record.last_error


def test_the_cron_configuration_sweeps_every_minute(redis_url):
    scheduler = CronScheduler(connection=Redis.from_url(redis_url))

    scheduler.load_config_from_file("storefront.cron")

    sweep = {job.func_name: job for job in scheduler.get_jobs()}["storefront.sweep.sweep_job_records_job"]
    assert sweep.interval == 60
    assert sweep.queue_name in QUEUE_NAMES
