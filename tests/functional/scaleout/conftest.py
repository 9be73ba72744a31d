"""A shop scaled out: two web servers and two workers (each with its cron scheduler) as the Procfile starts them,
sharing only one Postgres database, one Redis, an S3 store (moto over HTTP), an SMTP server and the Stripe fake.

The processes are started once for the module; each test still gets the suite's `app` (the same database, emptied
after the test) to build products and read what the processes did."""

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from rq import Queue, Worker

from storefront.storage import init_storage
from tests import stripe_fake
from tests.conftest import _remove_everything_about
from tests.functional.downloads.conftest import moto_url  # noqa: F401 (a fixture this module's tests use)
from tests.functional.mail.support import Inbox
from tests.functional.scaleout.support import start, stop, wait_until
from tests.functional.test_production_start_up import wait_for
from tests.production import environment

JOB_OK = re.compile(r"Job OK \(([^)]+)\)")
AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class Shop:
    """The running processes and the services they share."""

    servers: dict
    queue: Queue
    stripe: stripe_fake.FakeStripeCheckout
    inbox: Inbox
    storage: dict
    logs: Path
    started_at: float
    processes: dict = field(default_factory=dict)

    def log(self, name):
        return (self.logs / f"{name}.log").read_text()

    def mark(self):
        """Where the workers' logs end now, for `finished_since`."""
        return {name: len(self.log(name)) for name in ("worker-1", "worker-2")}

    def finished_since(self, mark):
        """The ids of the jobs the workers finished since `mark`, one entry per run, whichever worker ran it."""
        return [found for name, offset in mark.items() for found in JOB_OK.findall(self.log(name)[offset:])]

    def all_logs(self):
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(self.logs.glob("*.log")))


@pytest.fixture(scope="module")
def postgres_only():
    if os.environ["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("several processes writing at once need Postgres (SQLite allows one writer): set DATABASE_URL")


@pytest.fixture(scope="module")
def services(postgres_only, moto_url, redis_url):  # noqa: F811 (the fixture imported above)
    """Stripe's fake, an SMTP server, fresh S3 buckets and a queue of its own on the suite's Redis."""
    fake = stripe_fake.FakeStripeCheckout().start()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=stripe_fake.free_port())
    smtp.start()
    storage = buckets(moto_url)
    queue = Queue(f"scaleout-{uuid.uuid4().hex}", connection=Redis.from_url(redis_url))
    yield fake, inbox, storage, queue, smtp.port
    _remove_everything_about(queue)
    smtp.stop()
    fake.stop()


def buckets(moto_url):  # noqa: F811
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", **aws_keys())
    suffix = uuid.uuid4().hex[:8]
    storage = {"S3_BUCKET": f"scaleout-files-{suffix}", "S3_PUBLIC_BUCKET": f"scaleout-images-{suffix}"}
    for bucket in storage.values():
        s3.create_bucket(Bucket=bucket)
    return {**storage, "S3_ENDPOINT_URL": moto_url, "S3_REGION": "us-east-1"}


def aws_keys():
    return {"aws_access_key_id": AWS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": AWS["AWS_SECRET_ACCESS_KEY"]}


@pytest.fixture(scope="module")
def shop(_schema, services, tmp_path_factory):
    """Web servers A and B and workers 1 and 2, from the Procfile with a complete production environment."""
    fake, inbox, storage, queue, smtp_port = services
    env = environment(
        JOB_QUEUE=queue.name,
        STRIPE_SECRET_KEY="sk_test_scaleout",
        STRIPE_WEBHOOK_SECRET=stripe_fake.WEBHOOK_SECRET,
        STRIPE_API_BASE=fake.url,
        MAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        WEB_CONCURRENCY="1",
        **storage,
        **AWS,
    )
    logs = tmp_path_factory.mktemp("scaleout")
    ports = {name: stripe_fake.free_port() for name in ("A", "B")}
    running = Shop({n: f"http://127.0.0.1:{p}" for n, p in ports.items()}, queue, fake, inbox, storage, logs, 0.0)
    try:
        yield start_everything(running, env, ports)
    finally:
        stop(list(running.processes.values()))


def start_everything(shop, env, ports):
    for name, port in ports.items():
        shop.processes[f"web-{name}"] = start("web", {**env, "PORT": str(port)}, shop.logs / f"web-{name}.log")
    for number in (1, 2):
        shop.processes[f"worker-{number}"] = start("worker", env, shop.logs / f"worker-{number}.log")
    shop.started_at = time.time()
    for name, url in shop.servers.items():
        wait_for(f"{url}/healthz", shop.processes[f"web-{name}"], seconds=90)
    assert wait_until(lambda: len(Worker.all(queue=shop.queue)) == 2, seconds=60), shop.all_logs()
    return shop


@pytest.fixture
def s3_app(app, shop, monkeypatch):
    """The test's app storing files where the processes do (moto), to upload products' files as an admin would."""
    for name, value in AWS.items():
        monkeypatch.setenv(name, value)
    app.config.update(STORAGE_BACKEND="s3", **shop.storage)
    init_storage(app)
    yield app
    app.config["STORAGE_BACKEND"] = "local"
    init_storage(app)


@pytest.fixture
def s3(shop):
    """A raw S3 client on moto, for looking behind the shop's back."""
    return boto3.client("s3", endpoint_url=shop.storage["S3_ENDPOINT_URL"], region_name="us-east-1", **aws_keys())
