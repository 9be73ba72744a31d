"""The admin's jobs page opens with how background work stands per kind of job: records pending, failed and done in
the last 24 hours, and what RQ holds (queued, waiting to retry, running, failed). Without Redis, or with Redis
unreachable, the queue's columns show a dash and a note says why; the page still answers."""

import re
from datetime import timedelta
from html import unescape

import pytest

from storefront import jobs
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.failed_jobs import GRANT_FILES
from storefront.job_records import JobRecord, JobState
from storefront.queue_status import NO_REDIS_NOTE, REDIS_DOWN_NOTE
from tests.functional.admin.panel_support import admin_browser

PAGE_URL = "/admin/jobs"
WORK = f"{__name__}.do_nothing"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
# Cells after the job's name: pending, queued, waiting to retry, running, failed in queue, failed, done (24 h).
COLUMNS = ("pending", "queued", "scheduled", "started", "rq_failed", "failed", "done")


def do_nothing(*args):
    """The job these tests queue."""


@pytest.fixture
def admin(app):
    return admin_browser(app)


def record(state, func_path=WORK, finished_ago=None, key=None):
    finished_at = utcnow() - finished_ago if finished_ago is not None else None
    key = key or f"{func_path.rsplit('.', 1)[-1]}-{state}-{utcnow().timestamp()}"
    job_record = JobRecord(job_key=key, func_path=func_path, args=[7], state=state, finished_at=finished_at)
    db.session.add(job_record)
    db.session.commit()
    return job_record


def summary_row(page, func_path):
    """{'label': ..., column: cell text} for the summary's row of a job kind, or None."""
    found = re.search(rf'<tr data-kind="{re.escape(func_path)}">(.*?)</tr>', page, re.S)
    if found is None:
        return None
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    cells = [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
    return dict(zip(("label", *COLUMNS), cells, strict=True))


def page_of(admin):
    response = admin.get(PAGE_URL)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_counts_per_kind_match_the_records_in_each_state(admin):
    for state in (JobState.PENDING, JobState.PENDING, JobState.FAILED):
        record(state.value, finished_ago=timedelta(minutes=5) if state == JobState.FAILED else None)
    record(JobState.DONE.value, finished_ago=timedelta(hours=1))
    record(JobState.DONE.value, finished_ago=timedelta(days=2))
    record(JobState.FAILED.value, func_path=GRANT_FILES, finished_ago=timedelta(hours=3))

    page = page_of(admin)

    work = summary_row(page, WORK)
    assert (work["pending"], work["failed"], work["done"]) == ("2", "1", "1")
    grants = summary_row(page, GRANT_FILES)
    assert grants["label"] == "Give a paid order its files"
    assert (grants["pending"], grants["failed"], grants["done"]) == ("0", "1", "0")


def test_a_kind_with_only_old_done_records_is_left_out(admin):
    record(JobState.DONE.value, finished_ago=timedelta(days=2))

    page = page_of(admin)

    assert summary_row(page, WORK) is None
    assert "No background work is pending" in page


def test_without_redis_the_queue_columns_show_a_dash_and_say_why(admin):
    record(JobState.PENDING.value)

    page = page_of(admin)

    work = summary_row(page, WORK)
    assert [work[column] for column in ("queued", "scheduled", "started", "rq_failed")] == ["—"] * 4
    assert work["pending"] == "1"
    assert unescape(NO_REDIS_NOTE) in unescape(page)


def test_a_job_queued_in_rq_is_counted_under_its_kind(app, admin, rq_queue):
    jobs.enqueue_after_commit(WORK, 7, job_id="work-7")
    jobs.commit()
    jobs.enqueue(WORK, 8, job_id="unrecorded-8")

    page = page_of(admin)

    work = summary_row(page, WORK)
    assert (work["pending"], work["queued"], work["started"], work["rq_failed"]) == ("1", "1", "0", "0")
    unrecorded = summary_row(page, "unrecorded")
    assert unrecorded["label"] == "Work queued without a job record" and unrecorded["queued"] == "1"
    assert 'id="queue-note"' not in page


def test_with_redis_unreachable_the_page_answers_with_the_note(app, admin):
    record(JobState.FAILED.value, finished_ago=timedelta(minutes=1), key="work-9")
    app.config["REDIS_URL"] = UNREACHABLE_REDIS

    page = page_of(admin)

    assert unescape(REDIS_DOWN_NOTE) in unescape(page)
    assert summary_row(page, WORK)["queued"] == "—"
    assert "work-9" in page and "Run again" in page


def always_fails(*args):
    """The job that gives up after every retry."""
    raise RuntimeError("no luck")


def test_a_job_waiting_to_run_later_is_counted_as_waiting_to_retry(admin, rq_queue):
    later = record(JobState.PENDING.value, key="work-later")
    rq_queue.enqueue_in(timedelta(minutes=5), jobs.RUN_RECORDED_JOB, later.id, job_id="work-later")

    work = summary_row(page_of(admin), WORK)

    assert (work["queued"], work["scheduled"], work["pending"]) == ("0", "1", "1")


def test_a_job_that_failed_every_retry_is_counted_failed_in_the_records_and_the_queue(admin, rq_queue, run_worker):
    jobs.enqueue_after_commit(f"{__name__}.always_fails", 7, job_id="fails-7")
    jobs.commit()
    run_worker()

    failing = summary_row(page_of(admin), f"{__name__}.always_fails")

    assert (failing["pending"], failing["queued"], failing["rq_failed"], failing["failed"]) == ("0", "0", "1", "1")
