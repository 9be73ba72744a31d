"""The committed migrations build the schema the models describe, on SQLite and on Postgres."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storefront.extensions import db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_flask_db_downgrade_and_upgrade_rebuild_every_table(app):
    runner = app.test_cli_runner()
    model_tables = set(db.metadata.tables)

    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert model_tables.isdisjoint(inspect(db.engine).get_table_names())

    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert model_tables <= set(inspect(db.engine).get_table_names())
