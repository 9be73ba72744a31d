"""Timestamps are stored as naive UTC so SQLite and Postgres read back the same values."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)
