"""Fast bulk inserts for the benchmark data set: COPY on Postgres, one executemany elsewhere (SQLite)."""

from datetime import datetime

from sqlalchemy import text

# How SQLAlchemy writes a DateTime on SQLite, so the app reads the rows back as it reads its own.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def insert_rows(connection, table, columns, rows):
    """Insert `rows` (tuples in the order of `columns`; JSON columns as JSON text) into `table`."""
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, rows)
        return
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    cursor = connection.connection.driver_connection.cursor()
    cursor.executemany(statement, ([_sqlite_value(value) for value in row] for row in rows))


def _copy(connection, table, columns, rows):
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _sqlite_value(value):
    return value.strftime(SQLITE_DATETIME) if isinstance(value, datetime) else value


def reset_id_sequences(connection, tables):
    """Rows were inserted with explicit ids: move each Postgres id sequence past them, so the app's own inserts
    (and the services the data set calls afterwards) get fresh ids. SQLite needs nothing."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )
        )
