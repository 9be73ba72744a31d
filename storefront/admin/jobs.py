"""Admin: how background work stands per job kind, and the jobs that failed after every retry, with a button to run
one again."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from storefront import failed_jobs, jobs, queue_status
from storefront.admin import bp
from storefront.extensions import db
from storefront.integers import page_number
from storefront.job_records import JobRecord


@bp.get("/jobs")
def failed_jobs_page():
    page = request.args.get("page", 1, type=page_number)
    failed = failed_jobs.failed_jobs_page(page)
    return render_template("admin/jobs.html", failed=failed, summary=queue_status.queue_summary())


@bp.post("/jobs/<int:record_id>/run-again")
def run_job_again(record_id):
    """Queue a failed job again (audited); one that is not failed is refused with a message, an unknown one is 404."""
    record = db.get_or_404(JobRecord, record_id)
    try:
        failed_jobs.run_again(record, current_user)
    except jobs.CannotRunAgain as refused:
        jobs.rollback()
        flash(str(refused), "info")
        return redirect(url_for("admin.failed_jobs_page"), code=303)
    key = record.job_key
    jobs.commit()
    flash(f"Job {key} is queued to run again.", "success")
    return redirect(url_for("admin.failed_jobs_page"), code=303)
