"""Create, restore and check backups. Each verb raises BackupError, with nothing changed, when it cannot go ahead.

A backup is a directory: the database dump plus manifest.json (see `storefront.backup.manifest`). It is written
under a `.partial` name and renamed when complete, so a directory with the final name is always a whole backup.
"""

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, literal, select, table

from storefront.backup import BackupError, postgres, sqlite
from storefront.backup.manifest import (
    build_manifest,
    read_manifest,
    revision_warning,
    stored_revision,
    write_manifest,
)
from storefront.extensions import db
from storefront.storage import get_storage


@dataclass
class StorageCheck:
    """How the objects a manifest lists compare with what storage holds now."""

    missing: list = field(default_factory=list)
    resized: list = field(default_factory=list)
    unlisted: int = 0

    @property
    def ok(self):
        return not self.missing and not self.resized


def default_directory():
    return Path("backups") / datetime.now(UTC).strftime("storefront-%Y%m%dT%H%M%SZ")


def create_backup(directory):
    """Back up the database and list the storage objects into the new `directory`; returns the manifest."""
    directory = Path(directory)
    if directory.exists():
        raise BackupError(f"{directory} already exists: choose a new directory for the backup")
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)  # left by an earlier run that failed
    partial.mkdir(parents=True)
    try:
        manifest = _write_backup(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(directory)
    return manifest


def _write_backup(directory):
    url, kind = _database()
    if kind == "sqlite":
        dump_file, revision = sqlite.dump(url, directory)
        tool = None
    else:
        path, tool = postgres.find_tool("pg_dump", db.engine)
        with db.engine.connect() as connection:
            revision = stored_revision(connection)
        dump_file = postgres.dump(url, path, directory)
    if revision is None:
        raise BackupError("The database has no schema revision: run `flask db upgrade` before backing it up")
    manifest = build_manifest(kind, dump_file, revision, get_storage().list_objects(), tool=tool)
    write_manifest(directory, manifest)
    return manifest


def restore_backup(directory, force=False):
    """Replace the configured database with the backup in `directory`; returns warnings to show (an older schema).

    Refuses a backup of another database kind or of a schema the code does not know, and a target that holds data
    unless `force`. The restore is one transaction: on failure the database is as it was."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    url, kind = _database()
    if manifest["database"] != kind:
        raise BackupError(f"This is a {manifest['database']} backup; the configured database is {kind}")
    warning = revision_warning(manifest.get("alembic_revision"))
    filled = tables_with_rows()
    if filled and not force:
        raise BackupError(
            f"The database already holds data ({len(filled)} tables with rows, e.g. {', '.join(filled[:3])}); "
            "restoring would replace all of it. Restore into an empty database, or add --force to overwrite."
        )
    db.session.remove()
    archive = directory / manifest["dump_file"]
    if kind == "sqlite":
        sqlite.restore(url, db.engine, archive)
    else:
        postgres.restore(url, db.engine, archive, manifest.get("dump_tool"))
    db.engine.dispose()
    return [warning] if warning else []


def check_backup(directory):
    """Compare the storage objects listed in the backup in `directory` with those storage holds now."""
    listed = {item["key"]: item["size"] for item in read_manifest(Path(directory))["storage"]["objects"]}
    present = dict(get_storage().list_objects())
    return StorageCheck(
        missing=sorted(key for key in listed if key not in present),
        resized=sorted(key for key in listed if key in present and present[key] != listed[key]),
        unlisted=len(present.keys() - listed.keys()),
    )


def tables_with_rows():
    """Names of the tables (besides alembic's) holding at least one row."""
    with db.engine.connect() as connection:
        names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
        return [name for name in sorted(names) if connection.execute(_any_row(name)).first() is not None]


def _any_row(name):
    return select(literal(1)).select_from(table(name)).limit(1)


def _database():
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return url, db.engine.dialect.name
