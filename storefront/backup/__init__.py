"""Backups: `flask backup create` writes the database (pg_dump's custom format on Postgres, SQLite's online backup
API on SQLite) and a manifest listing the storage objects into one directory; `flask backup restore` puts such a
directory back into an empty database; `flask backup check` compares the listed objects with what storage holds.

Storage objects themselves are never copied (the bucket's versioning or replication keeps them); the listing lets a
restore be checked against them. `services` holds the steps, `postgres` and `sqlite` the database-specific parts,
`manifest` the file that describes a backup.
"""


class BackupError(Exception):
    """A backup or restore cannot go ahead; the message says why and what to do. Nothing has been changed."""
