"""The committed migrations build the schema the models describe, on SQLite and on Postgres."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, inspect

from storefront.extensions import db


def _compare_server_default(_context, _inspected, metadata_column, inspected_default, _metadata_default, rendered):
    """Alembic compares defaults by running `SELECT a = b` on the database, which Postgres refuses for JSON
    (there is no json = json operator): compare those as text instead; everything else the usual way."""
    if isinstance(metadata_column.type, JSON):
        return (inspected_default or "").split("::")[0].strip("'") != (rendered or "").strip("'")
    return None


def _exists_on(dialect_name):
    """Objects declared for one database only (`.ddl_if(dialect="postgresql")`, such as the trigram indexes) are
    expected on that database alone."""

    def include(schema_object, _name, _type, _reflected, _compare_to):
        only_on = getattr(getattr(schema_object, "_ddl_if", None), "dialect", None)
        return only_on is None or only_on == dialect_name

    return include


def test_migrations_and_models_agree(app):
    options = {
        "compare_type": True,
        "compare_server_default": _compare_server_default,
        "include_object": _exists_on(db.engine.dialect.name),
    }
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
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
