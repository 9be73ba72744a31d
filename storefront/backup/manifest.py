"""manifest.json: what a backup holds (time, app version, schema revision, database kind, dump file, storage objects),
and how its schema revision compares with the code's migrations."""

import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import inspect, text

from storefront.backup import BackupError

MANIFEST = "manifest.json"
FORMAT = 1


def build_manifest(database, dump_file, revision, objects, tool=None):
    """The manifest of a backup of `database` ("postgresql" or "sqlite") at `revision`; `objects` are (key, size)."""
    listed = [{"key": key, "size": size} for key, size in objects]
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app_version": app_version(),
        "alembic_revision": revision,
        "database": database,
        "dump_file": dump_file,
        "dump_tool": tool,
        "storage": {
            "backend": current_app.config["STORAGE_BACKEND"],
            "object_count": len(listed),
            "total_bytes": sum(item["size"] for item in listed),
            "objects": listed,
        },
    }


def app_version():
    try:
        return version("storefront")
    except PackageNotFoundError:
        return "unknown"


def write_manifest(directory, manifest):
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def read_manifest(directory):
    """The manifest of the backup in `directory`, whose dump file exists; raises BackupError."""
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} is not a backup: it has no {MANIFEST}") from None
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup manifest this version understands (format {FORMAT})")
    if not (directory / str(manifest.get("dump_file"))).is_file():
        raise BackupError(f"{directory} lacks its database dump {manifest.get('dump_file')!r}")
    return manifest


def stored_revision(connection):
    """The alembic revision the database is at, or None when it has never been migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def revision_warning(revision):
    """None when the backup's schema is the code's; a warning when it is older (upgrade after restoring). Raises
    BackupError when the code does not know the revision: another version of the shop made it."""
    migrations = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = migrations.get_heads()
    if revision in heads:
        return None
    if revision is None:
        raise BackupError("The backup records no schema revision: it was not made from a migrated database")
    try:
        migrations.get_revision(revision)
    except CommandError:
        raise BackupError(
            f"The backup's schema revision {revision} is unknown to this code (at {', '.join(heads)}): a newer or "
            "different version of the shop made it. Restore it with that version."
        ) from None
    return (
        f"The backup's schema revision {revision} is older than the code's ({', '.join(heads)}): "
        "run `flask db upgrade` after restoring."
    )
