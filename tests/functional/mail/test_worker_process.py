"""worker.py end to end: the real worker process, with the app's config, delivers through a real SMTP server and
stops on SIGTERM after finishing the job in hand (RQ's warm shutdown)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storefront import jobs
from storefront.orders import services as orders
from tests.functional.mail.support import deliveries

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker_process(app, queue, smtp, tmp_path):
    """Start `python worker.py` on the test's queue, database and SMTP server; stopped (if still alive) after."""
    started = []

    def start(run_cron="0"):
        environ = {
            **os.environ,
            "REDIS_URL": app.config["REDIS_URL"],
            "JOB_QUEUE": queue.name,
            "JOB_RETRY_INTERVALS": "0",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "RUN_CRON": run_cron,
        }
        log = (tmp_path / "worker.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=ROOT,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def worker_log(tmp_path):
    return (tmp_path / "worker.log").read_text()


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop(process, seconds=20, also=()):
    """SIGTERM the worker (and the processes in `also`, as platforms that signal every process do); its exit code."""
    process.send_signal(signal.SIGTERM)
    for pid in also:
        os.kill(pid, signal.SIGTERM)
    return process.wait(timeout=seconds)


def test_the_worker_process_delivers_queued_email_and_stops_cleanly(app, paid_order, smtp, worker_process, tmp_path):
    order = paid_order()  # its confirmation goes through the queue too
    orders.notify_shipped(order, "Royal Mail", "RM7", "https://track.example.com/RM7")
    jobs.commit()
    process = worker_process()

    arrived = wait_until(lambda: len(smtp.envelopes) >= 2 and {d.status for d in deliveries()} == {"sent"})

    assert arrived, worker_log(tmp_path)
    assert sorted(m.subject for m in smtp.messages) == sorted(
        [f"Your order {order.number}", f"Order {order.number} has shipped"]
    )
    assert stop(process) == 0, worker_log(tmp_path)


@pytest.mark.parametrize(
    "every_process, run_cron",
    [(False, "0"), (True, "1")],
    ids=["signal-to-the-worker", "signal-to-every-process-with-cron"],
)
def test_sigterm_lets_the_job_in_hand_finish(app, queue, worker_process, tmp_path, every_process, run_cron):
    markers = tmp_path / "markers"
    markers.mkdir()
    job = queue.enqueue("tests.functional.mail.support.slow_job", str(markers), 2)
    process = worker_process(run_cron=run_cron)
    assert wait_until(lambda: (markers / "started").exists()), worker_log(tmp_path)
    work_horse = int((markers / "started").read_text())

    assert stop(process, also=[work_horse] if every_process else []) == 0, worker_log(tmp_path)

    assert (markers / "finished").exists(), worker_log(tmp_path)
    assert job.get_status(refresh=True) == "finished"
