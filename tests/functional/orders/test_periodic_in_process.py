"""Without Redis there is no worker: the web app runs the periodic jobs itself once they are due."""

from datetime import timedelta

from sqlalchemy import select

from storefront import create_app, periodic
from storefront.checkout.services import ReviewLine, review
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import place_order
from storefront.periodic import run_due_jobs_in_process
from tests.factories import make_product


def _overdue_order(stock=2):
    product = make_product(kind="physical", stock=stock)
    order = place_order(review([ReviewLine(product, 1)]), "late@example.com")
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return order, product


def _status(order):
    return db.session.scalar(select(Order.status).where(Order.id == order.id))


def test_an_abandoned_checkout_gives_its_stock_back_without_a_worker(app):
    order, product = _overdue_order()

    run_due_jobs_in_process(app, clock=lambda: 1000.0)

    assert _status(order) == "expired"
    db.session.refresh(product)
    assert product.stock == 2


def test_jobs_wait_for_their_interval_before_running_again(app):
    run_due_jobs_in_process(app, clock=lambda: 1000.0)
    order, _ = _overdue_order()

    run_due_jobs_in_process(app, clock=lambda: 1030.0)
    assert _status(order) == "pending"

    run_due_jobs_in_process(app, clock=lambda: 1061.0)
    assert _status(order) == "expired"


def test_a_failing_job_is_logged_and_does_not_stop_the_others(app, monkeypatch, caplog):
    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(periodic, "PERIODIC_JOBS", ((broken, 60), *periodic.PERIODIC_JOBS))
    order, _ = _overdue_order()

    run_due_jobs_in_process(app, clock=lambda: 1000.0)

    assert "periodic job broken failed" in caplog.text
    assert _status(order) == "expired"


def test_a_web_request_runs_due_jobs_when_there_is_no_redis(app):
    shop = create_app({"REDIS_URL": None})  # not TESTING: wired as a local run is
    order, _ = _overdue_order()

    shop.test_client().get("/healthz")

    assert _status(order) == "expired"
