"""Durable job records: work that must follow a commit is written in that same transaction, so a queue outage
at the moment of the commit can strand nothing. `storefront.jobs` enqueues them after the commit; a periodic
sweep enqueues any that are due and not done (see `storefront.jobs.sweep`)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.extensions import db


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class JobRecord(db.Model):
    """One job to run at least once: a dotted function path and its arguments (ids only, never secrets)."""

    __tablename__ = "job_records"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'done', 'failed')", name="state_known"),
        Index("ix_job_records_state_created", "state", "created_at"),
        Index("ix_job_records_state_finished", "state", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RQ's job id too: a record enqueued twice (by the commit and by the sweep) is one job. Not unique: the same
    # work may be asked for again once an earlier record of it is done or failed.
    job_key: Mapped[str] = mapped_column(String(200), index=True)
    func_path: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
