"""Shared fixtures. The database comes from DATABASE_URL (CI runs the suite on SQLite and on Postgres);
without it, a throwaway SQLite file is used. The schema is built once per run by the real migrations."""

import contextlib
import os
import tempfile
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

_scratch = tempfile.mkdtemp(prefix="storefront-tests-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_scratch}/test.db")
os.environ["SECRET_KEY"] = "test-secret-key-that-is-long-enough-for-anything"
os.environ["STORAGE_LOCAL_ROOT"] = os.path.join(_scratch, "storage")
for _name in ("STOREFRONT_ENV", "FLASK_ENV", "FLASK_DEBUG", "MAIL_URL", "MAIL_BACKEND", "STRIPE_SECRET_KEY"):
    os.environ.pop(_name, None)

from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker  # noqa: E402

from storefront import create_app  # noqa: E402
from storefront.extensions import db  # noqa: E402
from tests.factories import DEFAULT_PASSWORD  # noqa: E402
from tests.functional.checkout.support import Shopper  # noqa: E402

# Jobs run in-process unless a test hands the app a Redis (the `redis_url` fixture) on purpose; throttling is
# off except in the tests about it.
TEST_SETTINGS = {"TESTING": True, "WTF_CSRF_ENABLED": False, "REDIS_URL": None, "RATELIMIT_ENABLED": False}


@pytest.fixture(scope="session")
def _schema():
    """Build the schema from the migrations once, starting from an empty database."""
    app = create_app(TEST_SETTINGS)
    with app.app_context():
        downgrade(revision="base")
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        # Migrations seed a fresh shop (the built-in legal documents): every test starts from empty tables instead.
        _empty_all_tables()
    return app


class RequestPerContextClient(FlaskClient):
    """Each request gets its own app context, as in production: a fresh `g` and its own database session.

    Without this, requests would reuse the test's app context and see the previous request's `g`."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema):
    app = create_app(TEST_SETTINGS)
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        # Each test builds its own app and engine; close its pool so Postgres connections do not pile up.
        db.engine.dispose()


def _empty_all_tables():
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def redis_url():
    """The real Redis the suite runs beside (scripts/test and CI set REDIS_URL)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL must point at a real Redis server; run the suite through scripts/test")
    return url


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def shopper(client):
    """A browser that shops through the real pages (cart, checkout, the dummy gateway)."""
    return Shopper(client)


@pytest.fixture
def htmx(client):
    """GET like htmx does: the server answers with a fragment."""

    def get(url, **kwargs):
        return client.get(url, headers={"HX-Request": "true"}, **kwargs)

    return get


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password=DEFAULT_PASSWORD, remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/account/login", data=data)

    def logout(self):
        return self._client.post("/account/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it: `with count_queries() as seen: ...; seen.count`."""

    @contextmanager
    def counting():
        seen = type("Seen", (), {"statements": []})()

        def record(_conn, _cursor, statement, *_args):
            seen.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        seen.count = len(seen.statements)

    return counting


@pytest.fixture
def rq_queue(app, redis_url):
    """A queue of its own on the real Redis that the app enqueues to, retrying without waiting; removed after."""
    connection = Redis.from_url(redis_url)
    queue = Queue(f"test-{uuid.uuid4().hex}", connection=connection)
    app.config.update(REDIS_URL=redis_url, JOB_QUEUE=queue.name, JOB_RETRY_INTERVALS=[0, 0, 0])
    yield queue
    _remove_everything_about(queue)
    connection.close()


def _remove_everything_about(queue):
    registries = (
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.started_job_registry,
        queue.scheduled_job_registry,
        queue.deferred_job_registry,
    )
    for job_id in {job_id for registry in registries for job_id in registry.get_job_ids()} | set(queue.job_ids):
        job = queue.fetch_job(job_id)
        if job is not None:
            with contextlib.suppress(ValueError):  # RQ lost the execution of a killed worker's job; keys go below
                job.delete()
    queue.delete(delete_jobs=True)
    for key in queue.connection.scan_iter(f"*{queue.name}*"):
        queue.connection.delete(key)


@pytest.fixture
def run_worker(rq_queue):
    """Work the queue in this process, inside the test's app context, until it is empty (retries included)."""
    workers = []

    def run():
        worker = SimpleWorker([rq_queue], connection=rq_queue.connection)
        workers.append(worker)
        worker.work(burst=True)

    yield run
    for worker in workers:
        rq_queue.connection.delete(worker.key)
