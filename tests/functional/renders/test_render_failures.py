"""A render that keeps failing is retried by RQ, then left failed where the admin sees it and can render it again."""

import re
from types import SimpleNamespace

import pytest
from rq.job import Job

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.renders import tasks
from tests.factories import make_user
from tests.functional.renders.support import (
    STAR_MAP_FIELD,
    deliveries_of,
    entitlements_of,
    fail_template,
    rendition_of,
)

ADMIN = "staff@example.com"


def log_in_admin(client):
    make_user(ADMIN, role=Role.ADMIN)
    client.post("/account/login", data={"email": ADMIN, "password": "correct horse battery"})


def test_a_render_that_keeps_failing_is_retried_then_failed_for_the_admin_to_see(
    app, client, personalised, paid_order, queue, run_worker, monkeypatch
):
    calls = fail_template(monkeypatch, "certificate_pdf")
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    assert rendition_of(order) is None, "nothing happens before a worker runs the grant job"

    run_worker()

    rendition = rendition_of(order)
    assert len(calls) == 3, "the first run and two retries (JOB_RETRY_INTERVALS has two entries)"
    assert (rendition.status, rendition.attempts) == ("failed", 3)
    assert rendition.last_error == "RuntimeError: printer on fire"
    job = Job.fetch(f"render-{rendition.id}", connection=queue.connection)
    assert job.get_status() == "failed"
    assert job.id in queue.failed_job_registry.get_job_ids()
    assert entitlements_of(order) == [] and deliveries_of("downloads_ready") == []

    log_in_admin(client)
    page = client.get("/admin/renders").get_data(as_text=True)
    row = re.search(rf'<tr id="rendition-{rendition.id}".*?</tr>', page, re.S).group(0)
    assert order.number in row and "Failed" in row and "RuntimeError: printer on fire" in row
    assert "Render again" in row
    assert 'href="/admin/renders"' in client.get("/admin/").get_data(as_text=True)


def test_the_admin_renders_a_failed_file_again_with_a_fresh_job(
    app, client, personalised, paid_order, queue, run_worker, monkeypatch
):
    fail_template(monkeypatch, "certificate_pdf")
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    run_worker()
    rendition = rendition_of(order)
    assert rendition.status == "failed"
    monkeypatch.undo()  # the printer is fixed
    log_in_admin(client)

    response = client.post(f"/admin/renders/{rendition.id}/render-again")

    assert response.status_code == 303
    assert rendition_of(order).status == "queued"
    [fresh_job_id] = queue.job_ids
    assert fresh_job_id.startswith(f"render-{rendition.id}-again-")
    run_worker()
    done = rendition_of(order)
    assert (done.status, done.progress, done.attempts, done.last_error) == ("done", 100, 4, None)
    assert len(entitlements_of(order)) == 1
    assert len(deliveries_of("downloads_ready")) == 1
    assert f'id="rendition-{rendition.id}"' not in client.get("/admin/renders").get_data(as_text=True)


def test_a_failure_that_a_retry_fixes_ends_done(app, personalised, paid_order, queue, run_worker, monkeypatch):
    calls = fail_template(monkeypatch, "certificate_pdf", times=1)
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})

    run_worker()

    rendition = rendition_of(order)
    assert len(calls) == 2
    assert (rendition.status, rendition.attempts, rendition.last_error) == ("done", 2, None)
    assert len(entitlements_of(order)) == 1


def test_between_retries_the_rendition_waits_queued_with_its_error(app, personalised, paid_order, monkeypatch):
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)
    rendition.status = "queued"  # as if an admin asked for it again
    db.session.commit()
    fail_template(monkeypatch, "certificate_pdf")
    monkeypatch.setattr(tasks, "get_current_job", lambda: SimpleNamespace(should_retry=True))

    with pytest.raises(RuntimeError, match="printer on fire"):
        tasks.render_order_item(rendition.id)

    waiting = rendition_of(order)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("queued", 2, "RuntimeError: printer on fire")


def test_without_redis_a_failing_render_is_failed_at_once_and_the_payment_still_stands(
    app, personalised, paid_order, monkeypatch
):
    fail_template(monkeypatch, "certificate_pdf")

    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})

    rendition = rendition_of(order)
    assert (rendition.status, rendition.attempts, rendition.last_error) == (
        "failed",
        1,
        "RuntimeError: printer on fire",
    )
    assert order.status == "paid"


def test_a_finished_render_is_not_rendered_again(app, client, personalised, paid_order):
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)
    log_in_admin(client)

    response = client.post(f"/admin/renders/{rendition.id}/render-again", follow_redirects=True)

    assert "That file is already rendered." in response.get_data(as_text=True)
    assert (rendition_of(order).status, rendition_of(order).attempts) == ("done", 1)
    tasks.render_order_item(rendition.id)
    assert len(entitlements_of(order)) == 1


def test_render_again_needs_the_pages_csrf_token(app, client, personalised, paid_order, monkeypatch):
    fail_template(monkeypatch, "certificate_pdf")
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)
    log_in_admin(client)
    app.config["WTF_CSRF_ENABLED"] = True

    refused = client.post(f"/admin/renders/{rendition.id}/render-again")

    assert refused.status_code == 400
    assert rendition_of(order).attempts == 1
    page = client.get("/admin/renders").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    accepted = client.post(f"/admin/renders/{rendition.id}/render-again", data={"csrf_token": token})
    assert accepted.status_code == 303
    assert rendition_of(order).attempts == 2, "rendered again (in-process here), failing again"
