"""After payment the order page says "Preparing your files…" and keeps polling until every digital item has its
files, then shows the download buttons and stops polling (286). Orders with nothing to download stop at once."""

import pytest

from storefront import jobs
from storefront.downloads import tasks
from storefront.extensions import db
from storefront.renders.models import RenderStatus, Rendition
from tests.functional.checkout.support import digital, page_text, physical
from tests.functional.downloads.support import ebook, entitlements_of

HX_REQUEST = {"HX-Request": "true"}
STOP_POLLING = 286


def status_fragment(shopper, order):
    return shopper.client.get(f"/checkout/status/{order.number}", headers=HX_REQUEST)


@pytest.fixture
def grant_job_not_run_yet(monkeypatch):
    """As with a busy worker: the paid order's grant job is queued but has not run. Returns the real job."""
    job = tasks.grant_entitlements_job
    monkeypatch.setattr(tasks, "grant_entitlements_job", lambda order_id: None)
    return job


def test_the_order_page_polls_while_files_are_prepared_then_shows_the_buttons(shopper, grant_job_not_run_yet):
    order = shopper.place(ebook())
    shopper.pay(order)
    assert entitlements_of(order) == []

    preparing = status_fragment(shopper, order)

    assert preparing.status_code == 200
    assert "Payment received" in page_text(preparing)
    assert "Preparing your files…" in page_text(preparing)
    assert 'hx-trigger="every 2s"' in page_text(preparing)

    grant_job_not_run_yet(order.id)
    ready = status_fragment(shopper, order)

    assert ready.status_code == STOP_POLLING
    assert "Preparing your files" not in page_text(ready)
    assert "hx-trigger" not in page_text(ready)
    [entitlement] = entitlements_of(order)
    assert f'href="/downloads/{entitlement.token}"' in page_text(ready)


def test_a_rendered_file_shows_its_progress_while_it_renders(shopper, grant_job_not_run_yet):
    order = shopper.place(ebook())
    shopper.pay(order)
    [item] = order.items
    db.session.add(Rendition(order_item_id=item.id, status=RenderStatus.RENDERING, progress=40))
    jobs.commit()

    response = status_fragment(shopper, order)

    assert response.status_code == 200
    assert "Preparing your files… 40%" in page_text(response)
    assert '<progress max="100" value="40">' in page_text(response)


def test_a_failed_render_stops_the_polling_with_an_explanation(shopper, grant_job_not_run_yet):
    order = shopper.place(ebook())
    shopper.pay(order)
    [item] = order.items
    db.session.add(Rendition(order_item_id=item.id, status=RenderStatus.FAILED, progress=10, attempts=4))
    jobs.commit()

    response = status_fragment(shopper, order)

    assert response.status_code == STOP_POLLING
    assert "We could not prepare this file yet" in page_text(response)


@pytest.mark.parametrize(
    "product",
    [lambda: physical(title="Tide Clock"), lambda: digital(title="No Files Yet")],
    ids=["physical", "no-files"],
)
def test_orders_with_nothing_to_prepare_stop_polling_once_paid(shopper, product):
    order = shopper.place(product())
    shopper.pay(order)

    response = status_fragment(shopper, order)

    assert response.status_code == STOP_POLLING
    assert "Preparing your files" not in page_text(response)
