"""Backup fixtures: a shop with paid orders, and a fresh, empty database of the kind the suite runs on (a second
SQLite file, or a second Postgres database created here and dropped after)."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.extensions import db
from tests.conftest import TEST_SETTINGS
from tests.functional.backup.support import make_paid_orders


@pytest.fixture
def paid_orders(app, shopper):
    return make_paid_orders(app, shopper)


@pytest.fixture
def fresh_database_url(app, tmp_path):
    """The URL of an empty database on the same server (or a new SQLite file), removed after the test."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield url.set(database=str(tmp_path / "restored.db")).render_as_string(hide_password=False)
        return
    name = f"sf_backup_fresh_{uuid.uuid4().hex[:12]}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def app_on():
    """`app_on(url)`: the shop configured with DATABASE_URL=url, as an operator's `flask` command would be."""
    made = []

    def build(url, **settings):
        built = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, **settings})
        made.append(built)
        return built

    yield build
    for built in made:
        with built.app_context():
            db.engine.dispose()
