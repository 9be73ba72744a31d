"""Production start-up as the Procfile runs it: a complete set-up starts (release, web and worker), and each unsafe
default or missing variable stops web and worker alike with one line naming the variable."""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.worker import WorkerStatus

from storefront import create_app
from tests.conftest import TEST_SETTINGS
from tests.production import REFUSED, environment, procfile, production_environ, run, start
from tests.stripe_fake import free_port

ENTRY_POINTS = {
    "web": ([sys.executable, "-c", "import wsgi"], "storefront: configuration error: "),
    "worker": ([sys.executable, "worker.py"], "storefront worker: configuration error: "),
}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
@pytest.mark.parametrize("change, variable", REFUSED, ids=[variable for _, variable in REFUSED])
def test_start_up_refuses_each_unsafe_or_missing_setting_in_one_line_naming_it(
    redis_url, entry_point, change, variable
):
    command, prefix = ENTRY_POINTS[entry_point]

    result = run(command, environment(**change))

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(prefix) and variable in line


def test_the_release_step_runs_with_a_complete_production_set_up(app, redis_url):
    result = run(["bash", "-c", procfile()["release"]], environment())

    assert result.returncode == 0, result.stderr


def test_the_web_process_starts_with_a_complete_production_set_up_and_serves_the_shop(app, redis_url):
    port = free_port()
    env = {**environment(), "PORT": str(port), "WEB_CONCURRENCY": "2"}
    web = start("web", env)
    try:
        health = wait_for(f"http://127.0.0.1:{port}/healthz", web)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode()
    finally:
        web.terminate()
        _, errors = web.communicate(timeout=30)

    assert json.loads(health) == {"status": "ok", "database": "ok", "redis": "ok"}, errors
    assert "Demo shop" not in page
    assert b"configuration error" not in errors


def wait_for(url, process, seconds=60):
    """GET `url` until it answers (bounded), while `process` lives; returns the body."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        # A slow first answer (workers still importing on a busy machine) times out: ask again.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered (exit status {process.poll()})")


def test_the_worker_process_starts_with_a_complete_production_set_up(redis_url):
    queue = Queue(f"test-production-{uuid.uuid4().hex}", connection=Redis.from_url(redis_url))
    env = environment(JOB_QUEUE=queue.name, RUN_CRON="0")
    worker = start("worker", env)
    try:
        waiting = wait_until_idle(queue, worker)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)
        queue.connection.close()

    assert waiting, errors.decode()
    assert worker.returncode == 0, errors.decode()


def wait_until_idle(queue, process, seconds=60):
    """Whether a worker on `queue` reached its idle loop (its signal handlers are installed by then), bounded."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        if any(worker.get_state() == WorkerStatus.IDLE for worker in Worker.all(queue=queue)):
            return True
        time.sleep(0.1)
    return False


def test_a_demo_shop_on_the_dummy_gateway_says_so_on_every_page(app, monkeypatch):
    demo = {"STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None, "ALLOW_DUMMY_PAYMENTS": "1"}
    shop = production_app(monkeypatch, **demo)

    for url in ("/", "/cart/", "/account/login", "/orders/lookup"):
        page = shop.test_client().get(url).get_data(as_text=True)
        assert "Demo shop:" in page and "no money moves" in page, url


def test_a_shop_taking_real_payments_shows_no_demo_banner(app, client, monkeypatch):
    shop = production_app(monkeypatch)

    assert "Demo shop:" not in shop.test_client().get("/").get_data(as_text=True)
    assert "Demo shop:" not in client.get("/").get_data(as_text=True)  # a local run on the dummy gateway


def production_app(monkeypatch, **changes):
    """An app built from a complete production environment with `changes`, on the suite's database."""
    local = {"STORAGE_BACKEND": "local", "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": "1", "ALLOW_SQLITE_IN_PRODUCTION": "1"}
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in production_environ(DATABASE_URL=os.environ["DATABASE_URL"], **local, **changes).items():
        monkeypatch.setenv(name, value)
    return create_app(TEST_SETTINGS)
