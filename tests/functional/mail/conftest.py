"""Mail fixtures: a real SMTP server (aiosmtpd) on loopback, and a queue of its own on the real Redis."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.functional.checkout.support import digital
from tests.functional.mail.support import Inbox, free_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def smtp(app):
    """An SMTP server the app sends through (MAIL_URL); returns its inbox, which knows the server's port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_URL=f"smtp://127.0.0.1:{controller.port}")
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def closed_port():
    """A port nothing listens on: SMTP connections to it are refused."""
    return free_port()


@pytest.fixture
def paid_order(app, shopper):
    """A guest's order for a digital product, paid through the dummy gateway (its confirmation already sent)."""

    def pay(*products):
        order = shopper.place(*(products or (digital(title="Night sky poster"),)))
        shopper.pay(order)
        return order

    return pay


@pytest.fixture
def queue(rq_queue):
    return rq_queue


@pytest.fixture
def worker_process(app, queue, smtp, tmp_path):
    """Start `python worker.py` (in a process group of its own) on the test's queue, database and SMTP server;
    killed with its whole group (if still alive) after. Its output goes to tmp_path/worker.log."""
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
        log = (tmp_path / "worker.log").open("a")
        process = subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=ROOT,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
