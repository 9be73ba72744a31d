"""worker.py sets the app up once, before it forks: a work horse (one per job) starts its job without configuring
the SQLAlchemy mappers, importing the render code, registering the PDF fonts or compiling the emails' templates,
which made every job cost 0.4-1 s of set-up before it did anything (storefront.prefork)."""

import json

from storefront import jobs
from tests.functional.mail.support import wait_until

REPORT_JOB = "tests.functional.mail.support.report_start_up_work"


def test_a_work_horse_starts_its_job_with_the_app_already_set_up(app, queue, worker_process, tmp_path):
    process = worker_process()
    reports = [tmp_path / f"report-{number}.json" for number in range(2)]
    for report in reports:
        jobs.enqueue(REPORT_JOB, str(report))

    assert wait_until(lambda: all(report.exists() for report in reports)), (tmp_path / "worker.log").read_text()
    first, second = (json.loads(report.read_text()) for report in reports)
    assert first["pid"] != second["pid"] != process.pid  # each job in a work horse of its own
    for horse in (first, second):
        assert horse["mappers_unconfigured"] is False
        assert horse["job_modules_missing"] == []
        assert horse["fonts_registered"] == 2
        assert horse["mail_templates_compiled"] > 0
        assert horse["objects_frozen"] > 0
