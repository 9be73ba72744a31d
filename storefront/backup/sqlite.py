"""SQLite backups through the online backup API (sqlite3.Connection.backup): a consistent copy while the shop runs.

A restore copies the backup into the target in one step, which SQLite performs as a single write transaction on
the target: readers see the old database or the new one, and an interrupted restore is rolled back by the journal.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from storefront.backup import BackupError

DUMP_FILE = "database.sqlite3"
LOCK_TIMEOUT_SECONDS = 15


def database_path(url):
    name = make_url(url).database
    if not name or name == ":memory:":
        raise BackupError("DATABASE_URL names an in-memory SQLite database, which cannot be backed up or restored")
    return Path(name)


def dump(url, directory):
    """Copy the database at `url` to `directory`/DUMP_FILE; returns (file name, its alembic revision)."""
    source_path = database_path(url)
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}")
    target = directory / DUMP_FILE
    with closing(_connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        # One self-contained file: the shop runs in WAL mode, a backup should not need -wal/-shm files beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return DUMP_FILE, _revision(copy)


def restore(url, engine, backup_file):
    """Replace the database at `url` with `backup_file`, checked first, in a single transaction."""
    target_path = database_path(url)
    engine.dispose()
    with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as source:
        _check(source, backup_file)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(_connect(target_path)) as target:
            source.backup(target)


def _check(source, backup_file):
    try:
        verdict = source.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        raise BackupError(f"{backup_file} is damaged ({verdict}); nothing was restored")


def _connect(path):
    return sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS)


def _revision(connection):
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.OperationalError, TypeError):
        return None
