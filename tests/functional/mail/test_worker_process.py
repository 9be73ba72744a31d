"""worker.py end to end: the real worker process, with the app's config, delivers through a real SMTP server,
stops on SIGTERM after finishing the job in hand (RQ's warm shutdown), and a job whose worker was killed is
picked up again within two minutes."""

import os
import signal
import time

import pytest
from rq import Worker

from storefront import jobs
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.orders import services as orders
from tests.functional.mail.support import deliveries, shipment_for, wait_until

HELD_JOB = "tests.functional.mail.support.held_job"


def worker_log(tmp_path):
    return (tmp_path / "worker.log").read_text()


def shutdown_requested(queue):
    """True once the worker on `queue` has taken a warm-shutdown request (RQ notes it in Redis)."""
    return any(worker.shutdown_requested_date for worker in Worker.all(queue=queue))


@pytest.fixture
def held(app, queue, tmp_path):
    """Queue the held job through the app (recorded, retried as the app retries); returns its marker folder."""
    markers = tmp_path / "markers"
    markers.mkdir()
    jobs.enqueue_after_commit(HELD_JOB, str(markers), job_id=f"held-job-{queue.name}")
    jobs.commit()
    return markers


def horse_of(markers, tmp_path, attempt=1):
    assert wait_until(lambda: (markers / f"started-{attempt}").exists()), worker_log(tmp_path)
    return int((markers / f"started-{attempt}").read_text())


def record_state():
    db.session.expire_all()
    return db.session.scalar(db.select(JobRecord.state).where(JobRecord.func_path == HELD_JOB))


def test_the_worker_process_delivers_queued_email_and_stops_cleanly(app, paid_order, smtp, worker_process, tmp_path):
    order = paid_order()  # its confirmation goes through the queue too
    orders.notify_shipped(order, shipment_for(order, "Royal Mail", "RM7", "https://track.example.com/RM7"))
    jobs.commit()
    process = worker_process()

    arrived = wait_until(lambda: len(smtp.envelopes) >= 2 and {d.status for d in deliveries()} == {"sent"})

    assert arrived, worker_log(tmp_path)
    assert sorted(m.subject for m in smtp.messages) == sorted(
        [f"Your order {order.number}", f"Order {order.number} has shipped"]
    )
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0, worker_log(tmp_path)


@pytest.mark.parametrize(
    "every_process, run_cron",
    [(False, "0"), (True, "1")],
    ids=["signal-to-the-worker", "signal-to-every-process-with-cron"],
)
def test_sigterm_lets_the_job_in_hand_finish(queue, held, worker_process, tmp_path, every_process, run_cron):
    process = worker_process(run_cron=run_cron)
    work_horse = horse_of(held, tmp_path)

    process.send_signal(signal.SIGTERM)
    if every_process:
        os.kill(work_horse, signal.SIGTERM)
    # The job is released only once the worker has taken the request, so the shutdown surely finds it in hand.
    assert wait_until(lambda: shutdown_requested(queue)), worker_log(tmp_path)
    (held / "release").write_text("go")

    assert process.wait(timeout=120) == 0, worker_log(tmp_path)
    assert (held / "finished").read_text() == "1", worker_log(tmp_path)
    assert record_state() == JobState.DONE


def test_a_killed_work_horse_is_retried_at_once(held, worker_process, tmp_path):
    worker_process()
    os.kill(horse_of(held, tmp_path), signal.SIGKILL)

    assert wait_until(lambda: (held / "finished").exists(), seconds=60), worker_log(tmp_path)
    assert (held / "finished").read_text() == "2"
    assert wait_until(lambda: record_state() == JobState.DONE, seconds=30)


def test_a_job_whose_worker_was_killed_is_done_by_the_next_worker_within_two_minutes(held, worker_process, tmp_path):
    """The whole worker dies (kill -9 of the worker, its work horse and its scheduler: a crashed dyno)."""
    first = worker_process()
    horse_of(held, tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = time.monotonic()
    worker_process()

    assert wait_until(lambda: (held / "finished").exists(), seconds=120), worker_log(tmp_path)
    assert time.monotonic() - killed_at < 120
    assert (held / "finished").read_text() == "2"
    assert wait_until(lambda: record_state() == JobState.DONE, seconds=30)
