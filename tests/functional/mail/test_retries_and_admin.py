"""Through a real Redis queue: a failing email is retried, then left failed for the admin, who can send it again."""

import re

import pytest
from rq.job import JobStatus

from storefront import jobs
from storefront.accounts.models import Role
from storefront.mail.tasks import deliver_email
from storefront.orders import services as orders
from tests.factories import make_user
from tests.functional.mail.support import deliveries, shipment_for

TRACKING = ("Royal Mail", "RM1", "https://track.example.com/RM1")


@pytest.fixture
def admin(auth):
    make_user("boss@example.com", role=Role.ADMIN)
    auth.login("boss@example.com")


def emails_page(client):
    response = client.get("/admin/emails")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def send_again(client, delivery):
    return client.post(f"/admin/emails/{delivery.id}/send-again")


def test_a_failing_email_is_retried_then_failed_then_sent_again_once(
    app, client, admin, paid_order, queue, run_worker, smtp, closed_port
):
    order = paid_order()
    run_worker()  # sends the confirmation
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"  # the mail server is down
    orders.notify_shipped(order, shipment_for(order, *TRACKING))
    jobs.commit()
    [delivery] = deliveries("order_shipped")
    job = queue.fetch_job(f"email-{delivery.id}")
    assert job is not None, "the email must go through the Redis queue"

    run_worker()

    assert job.get_status(refresh=True) == JobStatus.FAILED
    [delivery] = deliveries("order_shipped")
    assert delivery.status == "failed"
    assert delivery.attempts == 4  # the first try and three retries
    assert "ConnectionRefusedError" in delivery.last_error
    assert len(smtp.messages) == 1  # only the confirmation, sent before
    row = re.search(rf'<tr id="delivery-{delivery.id}".*?</tr>', emails_page(client), re.S).group(0)
    assert "failed" in row and "<td>4</td>" in row and "ConnectionRefusedError" in row and "Send again" in row

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"  # the mail server is back
    response = send_again(client, delivery)
    assert response.status_code == 303
    assert deliveries("order_shipped")[0].status == "queued"
    run_worker()

    [delivery] = deliveries("order_shipped")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 5, None)
    assert [m.subject for m in smtp.messages].count(f"Order {order.number} has shipped") == 1
    assert "Send again" not in re.search(rf'<tr id="delivery-{delivery.id}".*?</tr>', emails_page(client), re.S).group(
        0
    )
    assert send_again(client, delivery).status_code == 303  # a sent email is not sent again
    run_worker()
    assert len(smtp.messages) == 2


def test_the_job_executed_twice_through_the_queue_sends_once(app, paid_order, queue, run_worker, smtp):
    order = paid_order()
    run_worker()  # sends the confirmation
    orders.notify_shipped(order, shipment_for(order, *TRACKING))
    jobs.commit()
    [delivery] = deliveries("order_shipped")
    # A duplicate of the job (as after a lost acknowledgement) under another id.
    queue.enqueue("storefront.mail.tasks.deliver_email", delivery.id, job_id=f"email-{delivery.id}-copy")

    run_worker()
    deliver_email(delivery.id)

    assert [m.subject for m in smtp.messages].count(f"Order {order.number} has shipped") == 1
    assert deliveries("order_shipped")[0].attempts == 1
    finished = queue.finished_job_registry.get_job_ids()
    assert sorted(i for i in finished if i.startswith(f"email-{delivery.id}")) == [
        f"email-{delivery.id}",
        f"email-{delivery.id}-copy",
    ]


def test_the_emails_page_lists_failed_deliveries_first(app, client, admin, paid_order, smtp, closed_port):
    order = paid_order()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    orders.notify_shipped(order, shipment_for(order, *TRACKING))
    jobs.commit()  # in-process: fails, is recorded, and the caller carries on

    page = emails_page(client)

    assert page.index("order shipped") < page.index("order confirmation")
    assert page.count("Send again") == 1


def test_send_again_needs_the_csrf_token(app, client, admin, paid_order, smtp, closed_port):
    order = paid_order()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{closed_port}"
    orders.notify_shipped(order, shipment_for(order, *TRACKING))
    jobs.commit()
    [delivery] = deliveries("order_shipped")
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"

    refused = send_again(client, delivery)

    assert refused.status_code == 400
    assert deliveries("order_shipped")[0].status == "failed"
    token = re.search(r'name="csrf_token" value="([^"]+)"', emails_page(client)).group(1)
    accepted = client.post(f"/admin/emails/{delivery.id}/send-again", data={"csrf_token": token})
    assert accepted.status_code == 303
    assert deliveries("order_shipped")[0].status == "sent"


@pytest.mark.parametrize("method, url", [("get", "/admin/emails"), ("post", "/admin/emails/1/send-again")])
def test_only_admins_see_or_resend_emails(client, auth, method, url):
    assert getattr(client, method)(url).status_code == 302  # to the login page
    make_user("shopper@example.com")
    auth.login("shopper@example.com")
    assert getattr(client, method)(url).status_code == 403
