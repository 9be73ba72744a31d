"""Each event emails the shopper once, through a real SMTP server, however often the event or the job repeats."""

import pytest

from storefront import jobs
from storefront.extensions import db
from storefront.mail import queue_email
from storefront.mail.tasks import deliver_email
from storefront.orders import services as orders
from storefront.orders.models import Order
from tests import stripe_fake
from tests.functional.checkout.support import GUEST_EMAIL
from tests.functional.mail.support import deliveries, shipment_for
from tests.functional.payments.support import physical_product, place_stripe_order

WEBHOOK_URL = "/payments/stripe/webhook"


@pytest.fixture
def stripe_webhook(app, client):
    """Deliver Stripe events signed as Stripe signs them; jobs run in-process."""
    app.config.update(
        PAYMENT_GATEWAY="stripe",
        STRIPE_SECRET_KEY="sk_test_storefront",
        STRIPE_WEBHOOK_SECRET=stripe_fake.WEBHOOK_SECRET,
    )

    def deliver(event):
        body, headers = stripe_fake.signed(event)
        response = client.post(WEBHOOK_URL, data=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    return deliver


def test_a_dummy_payment_sends_one_confirmation_with_text_and_html(smtp, paid_order):
    order = paid_order()

    [message] = smtp.messages
    assert message.rcpt_tos == [GUEST_EMAIL]
    assert message.subject == f"Your order {order.number}"
    assert message.content_type == "multipart/alternative"
    assert set(message.parts) == {"text/plain", "text/html"}
    assert order.number in message.text and order.number in message.html
    [delivery] = deliveries("order_confirmation")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, None)


def test_paying_twice_on_the_gateway_page_still_sends_one_confirmation(smtp, paid_order, shopper):
    order = paid_order()

    shopper.gateway(order, "pay")

    assert len(smtp.messages) == 1
    assert len(deliveries("order_confirmation")) == 1


def test_the_same_stripe_event_processed_twice_sends_one_confirmation(app, smtp, stripe_webhook):
    order = place_stripe_order((physical_product(), 1))
    completed = stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order))

    stripe_webhook(completed)
    stripe_webhook(completed)  # Stripe redelivers
    stripe_webhook({**completed, "id": "evt_another_copy"})  # or sends the same news under a new event id

    [message] = smtp.messages
    assert message.subject == f"Your order {order.number}"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"


def test_the_delivery_job_run_twice_sends_once(app, smtp, paid_order):
    order = paid_order()
    [delivery] = deliveries("order_confirmation")

    deliver_email(delivery.id)
    deliver_email(delivery.id)

    assert len(smtp.messages) == 1
    assert deliveries("order_confirmation")[0].attempts == 1
    assert order.number in smtp.messages[0].text


def test_queue_email_twice_with_the_same_key_sends_once(app, smtp, paid_order):
    order = paid_order()
    key = f"order:{order.id}:downloads_ready"

    first = queue_email("downloads_ready", key, order.email, order_id=order.id)
    second = queue_email("downloads_ready", key, order.email, order_id=order.id)
    jobs.commit()
    third = queue_email("downloads_ready", key, order.email, order_id=order.id)
    jobs.commit()

    assert first is not None and second is None and third is None
    assert [m.subject for m in smtp.messages].count(f"Your downloads for order {order.number} are ready") == 1
    assert len(deliveries("downloads_ready")) == 1


def test_each_refund_total_is_emailed_once(app, smtp, stripe_webhook):
    order = place_stripe_order((physical_product(price_cents=2000), 1))
    stripe_webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order)))
    charge = f"pi_{order.number}"

    partial = stripe_fake.event("charge.refunded", stripe_fake.charge(charge, order.total_cents, 500))
    stripe_webhook(partial)
    stripe_webhook(partial)  # redelivered
    stripe_webhook({**partial, "id": "evt_same_total_again"})
    stripe_webhook(
        stripe_fake.event("charge.refunded", stripe_fake.charge(charge, order.total_cents, order.total_cents))
    )
    stripe_webhook(
        stripe_fake.event("charge.refunded", stripe_fake.charge(charge, order.total_cents, 500))
    )  # late, stale

    refunds = [m for m in smtp.messages if m.subject == f"Refund for order {order.number}"]
    assert len(refunds) == 2
    assert "refunded $5.00" in refunds[0].text and "Refunded so far: $5.00" in refunds[0].text
    rest = order.total_cents - 500
    assert f"refunded ${rest / 100:.2f}" in refunds[1].text
    assert f"Refunded so far: ${order.total_cents / 100:.2f}" in refunds[1].text
    assert [d.unique_key for d in deliveries("refund_issued")] == [
        f"order:{order.id}:refund:500",
        f"order:{order.id}:refund:{order.total_cents}",
    ]


def test_shipping_news_goes_out_once_per_shipment_with_the_tracking_link(app, smtp):
    order = place_stripe_order((physical_product(), 1))
    orders.mark_paid(order, "Paid.")
    jobs.commit()
    first = shipment_for(order, "Royal Mail", "RM123456789GB", "https://track.example.com/RM123456789GB")
    second = shipment_for(order, "DHL", "DHL42", "https://track.example.com/DHL42")

    orders.notify_shipped(order, first)
    jobs.commit()
    repeat = orders.notify_shipped(order, first)
    orders.notify_shipped(order, second)
    jobs.commit()

    assert repeat is None
    first_news, second_news = [m for m in smtp.messages if m.subject == f"Order {order.number} has shipped"]
    assert "RM123456789GB" in first_news.text and "https://track.example.com/RM123456789GB" in first_news.text
    assert 'href="https://track.example.com/RM123456789GB"' in first_news.html
    assert "DHL42" in second_news.text
    assert [d.unique_key for d in deliveries("order_shipped")] == [
        f"order:{order.id}:shipment:{first.id}",
        f"order:{order.id}:shipment:{second.id}",
    ]
