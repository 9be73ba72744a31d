"""An admin lists the background jobs that failed after every retry (what, about what, the last error, attempts,
when) and runs one again: it goes back through the queue as the sweep sends it, once however often the button is
pressed, and the audit log says who did it."""

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from storefront import jobs
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.failed_jobs import GRANT_FILES
from storefront.job_records import JobRecord, JobState
from storefront.orders.models import Order
from tests.functional.admin.panel_support import ADMIN_EMAIL, admin_browser

PAGE_URL = "/admin/jobs"
CALLS = []
WORK = f"{__name__}.remember"


def remember(*args):
    """The job the tests run again: it notes its arguments."""
    CALLS.append(args)


@pytest.fixture(autouse=True)
def _no_calls_yet():
    CALLS.clear()


@pytest.fixture
def admin(app):
    return admin_browser(app)


def failed_record(func_path=WORK, args=(7,), key="work-7", failed_at=datetime(2026, 12, 1, 9, 30), state="failed"):
    record = JobRecord(
        job_key=key,
        func_path=func_path,
        args=list(args),
        state=state,
        attempts=4,
        last_error="ConnectionError: the SMTP server hung up",
        finished_at=failed_at,
    )
    db.session.add(record)
    db.session.commit()
    return record


def reload(record):
    db.session.expire_all()
    return db.session.get(JobRecord, record.id)


def row(page, record):
    found = re.search(rf'<tr id="job-{record.id}">(.*?)</tr>', page, re.S)
    return found and unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


def test_the_page_lists_failed_jobs_only_latest_failure_first(admin):
    older = failed_record(key="work-1", failed_at=datetime(2026, 11, 30, 8, 0))
    newer = failed_record(key="work-2")
    done = failed_record(key="work-3", state=JobState.DONE.value)

    page = admin.get(PAGE_URL).get_data(as_text=True)

    assert page.index(f'id="job-{newer.id}"') < page.index(f'id="job-{older.id}"')
    assert row(page, done) is None
    text = row(page, newer)
    assert "work-2" in text and "ConnectionError: the SMTP server hung up" in text
    assert " 4 " in text and "2026-12-01 09:30 UTC" in text and "Run again" in text


def test_a_job_about_an_order_names_it_and_links_to_its_panel(admin):
    order = Order(
        number="SF-2026-JOBS0001",
        email="buyer@example.com",
        status="paid",
        currency="USD",
        subtotal_cents=500,
        total_cents=500,
        gateway="dummy",
        expires_at=datetime(2026, 12, 1, 10, 0),
    )
    db.session.add(order)
    db.session.commit()
    record = failed_record(func_path=GRANT_FILES, args=(order.id,), key=f"grant-{order.id}")

    page = admin.get(PAGE_URL).get_data(as_text=True)

    assert f"Give a paid order its files grant-{order.id} order #{order.id} SF-2026-JOBS0001" in row(page, record)
    assert 'href="/admin/orders/SF-2026-JOBS0001"' in page


def test_running_a_failed_job_again_runs_it_and_records_who_asked(admin):
    record = failed_record()

    response = admin.post(f"{PAGE_URL}/{record.id}/run-again")

    assert response.status_code == 303 and response.headers["Location"] == PAGE_URL
    assert CALLS == [(7,)]
    record = reload(record)
    assert (record.state, record.attempts) == (JobState.DONE, 1)
    [audit] = db.session.scalars(select(AuditEvent)).all()
    assert (audit.actor_email, audit.action, audit.subject_type, audit.subject_id) == (
        ADMIN_EMAIL,
        "job.run_again",
        "job_records",
        str(record.id),
    )
    assert "work-7 is queued to run again" in admin.get(PAGE_URL).get_data(as_text=True)


def test_with_redis_it_goes_back_on_the_queue_under_its_own_key(admin, rq_queue, run_worker):
    record = failed_record()

    admin.post(f"{PAGE_URL}/{record.id}/run-again")

    assert reload(record).state == JobState.PENDING
    assert rq_queue.fetch_job("work-7") is not None
    run_worker()
    assert CALLS == [(7,)]
    assert reload(record).state == JobState.DONE


def test_pressing_twice_runs_it_once(admin):
    record = failed_record()

    admin.post(f"{PAGE_URL}/{record.id}/run-again")
    again = admin.post(f"{PAGE_URL}/{record.id}/run-again", follow_redirects=True)

    assert CALLS == [(7,)]
    assert "Only a failed job can be run again" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(AuditEvent)).all()) == 1


def test_of_two_admins_at_once_only_the_first_queues_it(app):
    record = failed_record()
    read = db.session.get(JobRecord, record.id)  # this admin's request has read it as failed
    with db.engine.begin() as other_admin:  # meanwhile the other admin's request ran it again, and it finished
        other_admin.execute(update(JobRecord).where(JobRecord.id == record.id).values(state=JobState.DONE.value))

    with pytest.raises(jobs.CannotRunAgain, match="Someone else has just run this job again."):
        jobs.run_again_after_commit(read)
    jobs.rollback()
    assert CALLS == []


def test_work_already_waiting_under_the_same_key_is_not_queued_twice(admin):
    record = failed_record()
    db.session.add(JobRecord(job_key="work-7", func_path=WORK, args=[7], state=JobState.PENDING.value, attempts=0))
    db.session.commit()

    page = admin.post(f"{PAGE_URL}/{record.id}/run-again", follow_redirects=True).get_data(as_text=True)

    assert "The same work is already waiting to run." in page
    assert CALLS == [] and reload(record).state == JobState.FAILED


def test_the_button_needs_the_pages_csrf_token(app, admin):
    record = failed_record()
    app.config["WTF_CSRF_ENABLED"] = True

    response = admin.post(f"{PAGE_URL}/{record.id}/run-again")

    assert response.status_code == 400
    assert CALLS == [] and reload(record).state == JobState.FAILED


def test_the_failed_jobs_page_pages(admin):
    start = datetime(2026, 11, 1)
    for n in range(51):
        failed_record(key=f"work-{n:02d}", failed_at=start + timedelta(minutes=n))

    first = admin.get(PAGE_URL).get_data(as_text=True)
    second = admin.get(PAGE_URL + "?page=2").get_data(as_text=True)

    assert "work-50" in first and "work-01" in first and "work-00" not in first and 'rel="next"' in first
    assert "work-00" in second and "work-50" not in second


def test_an_unknown_job_is_not_found(admin):
    assert admin.post(f"{PAGE_URL}/999/run-again").status_code == 404


def test_an_empty_page_says_so(admin):
    assert "No background job has failed." in admin.get(PAGE_URL).get_data(as_text=True)
