"""An admin ships a physical order in parcels from its panel: each parcel emails the shopper once, through the queue,
with its tracking link; the order is fulfilled when nothing is left; the shopper's page shows where parcels are."""

import os
import threading

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.accounts.models import User
from storefront.extensions import db
from storefront.fulfilment.models import Shipment
from storefront.fulfilment.services import ShippingError, ship
from storefront.mail.models import OutboxMessage
from storefront.orders import services as orders
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from tests.functional.admin.panel_support import (
    ADMIN_EMAIL,
    act,
    admin_browser,
    audit_rows,
    deliveries,
    panel_url,
    text_of,
)
from tests.functional.checkout.support import order_paid_on, physical
from tests.functional.downloads.support import ebook

TRACK = {"carrier": "Royal Mail", "tracking_number": "RM100", "tracking_url": "https://track.example.com/RM100"}


@pytest.fixture
def admin(app):
    return admin_browser(app)


@pytest.fixture
def mixed_order(shopper):
    """A paid order: 3 prints, 1 mug and an ebook."""
    prints, mug, book = physical(title="Harbour print"), physical(title="Lighthouse mug"), ebook()
    shopper.add(prints, quantity=3)
    shopper.add(mug)
    shopper.add(book)
    order = order_paid_on(shopper.check_out())
    shopper.pay(order)
    return order


def item(order, title):
    return next(line for line in order.items if line.title == title)


def send(admin, order, quantities, **tracking):
    fields = {f"quantity-{item(order, title).id}": str(n) for title, n in quantities.items()}
    return act(admin, order, "shipments", **{**TRACK, **tracking}, **fields)


def shipments_of(order):
    db.session.expire_all()
    return db.session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)).all()


def test_a_partial_then_a_final_shipment_fulfil_the_order_with_one_email_each(admin, mixed_order):
    first = send(admin, mixed_order, {"Harbour print": 2, "Lighthouse mug": 0})

    assert first.status_code == 200
    assert "RM100" in text_of(first) and "1 of 3 sent" not in text_of(first) and "2 of 3 sent" in text_of(first)
    db.session.refresh(mixed_order)
    assert mixed_order.status == OrderStatus.PAID

    second = send(admin, mixed_order, {"Harbour print": 1, "Lighthouse mug": 1}, tracking_number="RM200")

    assert second.status_code == 200 and "Everything physical has shipped." in text_of(second)
    db.session.refresh(mixed_order)
    assert mixed_order.status == OrderStatus.FULFILLED
    parcels = shipments_of(mixed_order)
    assert [[(line.order_item.title, line.quantity) for line in parcel.items] for parcel in parcels] == [
        [("Harbour print", 2)],
        [("Harbour print", 1), ("Lighthouse mug", 1)],
    ]
    emails = deliveries("order_shipped")
    assert [d.unique_key for d in emails] == [f"order:{mixed_order.id}:shipment:{p.id}" for p in parcels]
    assert {d.status for d in emails} == {"sent"}
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.contains("has shipped"))).all()
    assert len(sent) == 2
    assert "2 x Harbour print" in sent[0].text_body and "RM100" in sent[0].text_body
    assert "1 x Lighthouse mug" in sent[1].text_body and "RM200" in sent[1].text_body
    rows = audit_rows("order.ship")
    assert [(row.actor_email, row.order_id) for row in rows] == [(ADMIN_EMAIL, mixed_order.id)] * 2
    assert "Every item has shipped." in text_of(second)  # the timeline


def test_the_shipping_email_goes_through_the_redis_queue(admin, mixed_order, rq_queue, run_worker):
    send(admin, mixed_order, {"Harbour print": 3, "Lighthouse mug": 1})
    [delivery] = deliveries("order_shipped")
    assert rq_queue.fetch_job(f"email-{delivery.id}") is not None
    assert delivery.status == "queued"

    run_worker()

    assert deliveries("order_shipped")[0].status == "sent"


@pytest.mark.parametrize("quantities", [{"Harbour print": 4}, {"Harbour print": 0, "Lighthouse mug": 0}])
def test_shipping_more_than_was_bought_or_nothing_is_refused(admin, mixed_order, quantities):
    response = send(admin, mixed_order, quantities)

    assert response.status_code == 422
    assert "Only 3 of Harbour print left to ship." in text_of(response) or "Choose how many" in text_of(response)
    assert shipments_of(mixed_order) == [] and deliveries("order_shipped") == [] and audit_rows() == []


def test_what_has_shipped_cannot_ship_again(admin, mixed_order):
    send(admin, mixed_order, {"Harbour print": 2})

    response = send(admin, mixed_order, {"Harbour print": 2})

    assert response.status_code == 422 and "Only 1 of Harbour print left to ship." in text_of(response)
    assert len(shipments_of(mixed_order)) == 1


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://track.example.com/1", "track.example.com/1"])
def test_a_tracking_link_that_is_not_a_web_address_is_refused(admin, mixed_order, link):
    response = send(admin, mixed_order, {"Harbour print": 1}, tracking_url=link)

    assert response.status_code == 422
    assert shipments_of(mixed_order) == [] and deliveries("order_shipped") == []


def test_missing_carrier_is_refused_with_the_form(admin, mixed_order):
    response = send(admin, mixed_order, {"Harbour print": 1}, carrier="")

    assert response.status_code == 422 and "This field is required." in text_of(response)
    assert shipments_of(mixed_order) == []


def test_downloads_unpaid_and_refunded_orders_do_not_ship(admin, shopper, mixed_order):
    admin_user = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    with pytest.raises(ShippingError, match="is a download"):
        ship(mixed_order, {item(mixed_order, "Harbour Birds").id: 1}, *TRACK.values(), admin_user)
    jobs.rollback()
    unpaid = shopper.place(physical(title="Unpaid print"))
    with pytest.raises(ShippingError, match="only paid orders ship"):
        ship(unpaid, {unpaid.items[0].id: 1}, *TRACK.values(), admin_user)
    jobs.rollback()
    orders.set_status(mixed_order, OrderStatus.REFUNDED, "Refunded in full.")
    jobs.commit()
    with pytest.raises(ShippingError, match="refunded"):
        ship(mixed_order, {item(mixed_order, "Harbour print").id: 1}, *TRACK.values(), admin_user)


def test_the_shoppers_order_page_shows_each_parcels_tracking_link(admin, shopper, mixed_order):
    send(admin, mixed_order, {"Harbour print": 2})
    send(admin, mixed_order, {"Harbour print": 1, "Lighthouse mug": 1}, tracking_url="https://track.example.com/b")

    page = text_of(shopper.client.get(f"/checkout/complete/{mixed_order.number}"))

    assert "Your parcels" in page and "Royal Mail" in page
    assert 'href="https://track.example.com/RM100"' in page and 'href="https://track.example.com/b"' in page
    assert "2 × Harbour print" in page and "1 × Lighthouse mug" in page


def test_the_packing_slip_lists_the_address_and_what_is_left_to_send(admin, mixed_order):
    send(admin, mixed_order, {"Harbour print": 1})

    response = admin.get(panel_url(mixed_order, "packing-slip"))

    page = text_of(response)
    assert response.status_code == 200
    assert "Packing slip" in page and "Ada Lovelace" in page and "12 Analytical Row" in page
    assert "<td>Harbour print</td><td>3</td><td>1</td><td>2</td>" in page
    assert "Harbour Birds" not in page  # the download is not packed
    assert "<script>" not in page and "style=" not in page


@pytest.mark.skipif("postgresql" not in os.environ.get("DATABASE_URL", ""), reason="row locks: Postgres only")
def test_two_admins_shipping_at_once_cannot_send_more_than_was_bought(app, admin, mixed_order):
    # Plain values: the threads must not touch this test's database session.
    order_id, print_id = mixed_order.id, item(mixed_order, "Harbour print").id
    actor_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
    start, outcomes = threading.Barrier(4), []

    def ship_all_prints(number):
        with app.app_context():
            order, actor = db.session.get(Order, order_id), db.session.get(User, actor_id)
            start.wait()
            try:
                ship(order, {print_id: 3}, "Royal Mail", f"RM{number}", "https://track.example.com/x", actor)
                jobs.commit()
                outcomes.append("shipped")
            except ShippingError:
                jobs.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=ship_all_prints, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["refused", "refused", "refused", "shipped"]
    assert len(shipments_of(mixed_order)) == 1 and len(deliveries("order_shipped")) == 1
