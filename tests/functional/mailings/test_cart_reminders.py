"""A reminder about a left cart, with consent: only after the shopper ticked the (unticked) box, once, after
CART_REMINDER_DELAY_MINUTES, never once the cart was bought, with a link that brings that very cart back, and never
to someone who unsubscribed."""

from datetime import timedelta

import pytest
from flask import current_app

from storefront.cart.reminders import queue_due_reminders
from storefront.cart.tasks import send_cart_reminders_job
from storefront.clock import utcnow
from storefront.mail.models import DeliveryStatus
from storefront.mail.tasks import deliver_email
from storefront.periodic import PERIODIC_JOBS
from tests.factories import make_user
from tests.functional.checkout.support import GUEST_EMAIL, Shopper, digital, order_paid_on
from tests.functional.mailings.support import ONE_CLICK, deliveries, link_after, outbox, text, unsubscribe_path

SUBJECT = "You left something in your cart"


@pytest.fixture
def book(app):
    return digital(title="Tide Tables")


@pytest.fixture
def guest(client):
    return Shopper(client)


def later(minutes=1):
    """A moment past the reminder delay."""
    return utcnow() + timedelta(minutes=current_app.config["CART_REMINDER_DELAY_MINUTES"] + minutes)


def ask_for_reminder(shopper, email=GUEST_EMAIL, remind="y"):
    data = {"email": email, **({"remind": remind} if remind else {})}
    return shopper.client.post("/cart/reminder", data=data, headers={"HX-Request": "true"})


def restore_path(message):
    return link_after(message.text_body, "Pick up where you left off")


def test_the_box_starts_unticked_on_the_cart_and_checkout_pages(guest, book):
    guest.add(book)
    for page in ("/cart/", "/checkout/"):
        html = text(guest.client.get(page))
        assert 'type="checkbox"' in html and "Remind me about this cart" in html
        assert "checked" not in html


def test_without_consent_nothing_is_sent(guest, book):
    guest.add(book)
    assert ask_for_reminder(guest, remind=None).status_code == 200
    assert queue_due_reminders(now=later()) == 0
    assert outbox(GUEST_EMAIL) == []


def test_one_reminder_after_the_delay_and_never_again(guest, book):
    guest.add(book)
    assert "We will remind you about this cart once" in text(ask_for_reminder(guest))

    assert queue_due_reminders(now=utcnow()) == 0  # too early
    assert queue_due_reminders(now=later()) == 1
    assert queue_due_reminders(now=later(60)) == 0

    [message] = outbox(GUEST_EMAIL, SUBJECT)
    assert "Tide Tables" in message.text_body
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_periodic_job_sends_it(guest, book, app):
    assert (send_cart_reminders_job, 300) in PERIODIC_JOBS
    guest.add(book)
    ask_for_reminder(guest)
    app.config["CART_REMINDER_DELAY_MINUTES"] = -5  # as if the delay had passed
    assert send_cart_reminders_job() == 1
    assert len(outbox(GUEST_EMAIL, SUBJECT)) == 1


def test_a_refused_email_is_a_422_and_records_nothing(guest, book):
    guest.add(book)
    response = ask_for_reminder(guest, email="not an email")
    assert response.status_code == 422 and "valid email" in text(response)
    assert ask_for_reminder(guest, email="").status_code == 422
    assert queue_due_reminders(now=later()) == 0


def test_the_link_restores_that_cart_in_another_browser(guest, book, app):
    guest.add(book)
    guest.add(digital(title="Star Charts"))
    ask_for_reminder(guest)
    queue_due_reminders(now=later())
    [message] = outbox(GUEST_EMAIL, SUBJECT)

    elsewhere = app.test_client()
    page = text(elsewhere.get(restore_path(message)))
    assert "Tide Tables" in page and "Restore my cart" in page
    response = elsewhere.post(restore_path(message))

    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")
    cart = text(elsewhere.get("/cart/"))
    assert "Tide Tables" in cart and "Star Charts" in cart


def test_a_tampered_link_is_a_404(client):
    assert client.get("/cart/restore/not-a-real-token").status_code == 404
    assert client.post("/cart/restore/not-a-real-token").status_code == 404


def test_an_account_cart_comes_back_only_for_its_owner(app, book):
    user = make_user("owner@example.com")
    owner = Shopper(app.test_client())
    owner.log_in(user)
    owner.add(book)
    ask_for_reminder(owner, email="")
    queue_due_reminders(now=later())
    [message] = outbox("owner@example.com", SUBJECT)

    stranger = app.test_client()
    refused = stranger.post(restore_path(message))
    assert refused.status_code == 303 and "/account/login" in refused.headers["Location"]
    assert "Tide Tables" not in text(stranger.get("/cart/"))
    assert owner.client.post(restore_path(message)).status_code == 303
    assert "Tide Tables" in text(owner.client.get("/cart/"))


def test_never_after_the_purchase(guest, book):
    guest.add(book)
    response = guest.check_out(remind_me="y")
    guest.pay(order_paid_on(response))
    assert queue_due_reminders(now=later()) == 0
    assert outbox(GUEST_EMAIL, SUBJECT) == []


def test_an_unpaid_checkout_with_consent_is_reminded(guest, book):
    guest.add(book)
    guest.check_out(remind_me="y")
    assert queue_due_reminders(now=later()) == 1
    assert len(outbox(GUEST_EMAIL, SUBJECT)) == 1


def test_a_purchase_between_queueing_and_sending_skips_it(guest, book, app):
    guest.add(book)
    response = guest.check_out(remind_me="y")
    app.config["MAIL_BACKEND"] = "none-yet"  # the first attempt fails: the email waits for its retry
    queue_due_reminders(now=later())
    app.config["MAIL_BACKEND"] = "outbox"
    guest.pay(order_paid_on(response))

    [delivery] = deliveries("cart_reminder")
    assert delivery.status == DeliveryStatus.FAILED
    deliver_email(delivery.id)  # the retry
    assert deliveries("cart_reminder")[0].status == DeliveryStatus.SKIPPED
    assert outbox(GUEST_EMAIL, SUBJECT) == []


def test_unsubscribing_stops_the_reminder(guest, book, app):
    guest.add(book)
    ask_for_reminder(guest)
    queue_due_reminders(now=later())
    [message] = outbox(GUEST_EMAIL, SUBJECT)
    assert app.test_client().post(unsubscribe_path(message), data=ONE_CLICK).status_code == 200

    second = Shopper(app.test_client())
    second.add(book)
    ask_for_reminder(second)
    queue_due_reminders(now=later())

    assert len(outbox(GUEST_EMAIL, SUBJECT)) == 1
    assert [d.status for d in deliveries("cart_reminder")] == [DeliveryStatus.SENT, DeliveryStatus.SKIPPED]
