"""Every kind of email goes out as text and HTML, rendered from its templates, saying what it should."""

from storefront import jobs
from storefront.mail import queue_email
from storefront.mail.tasks import KINDS
from storefront.orders import services as orders
from tests.factories import make_user
from tests.functional.checkout.support import digital, physical
from tests.functional.mail.support import shipment_for


def both(message):
    return [message.text, message.html]


def test_every_kind_has_a_text_and_an_html_template(app):
    for kind in KINDS.values():
        app.jinja_env.get_template(f"mail/{kind.template}.txt")
        app.jinja_env.get_template(f"mail/{kind.template}.html")


def test_order_confirmation_is_a_receipt(app, smtp, paid_order):
    order = paid_order(
        digital(title="Night sky poster", price_cents=1500), digital(title="Tide table", price_cents=700)
    )

    [message] = smtp.messages
    for body in both(message):
        assert "Night sky poster" in body and "Tide table" in body
        assert "$15.00" in body and "$7.00" in body
        assert "$22.00" in body  # total paid
        assert f"{app.config['BASE_URL']}/orders/lookup?number={order.number}" in body


def test_downloads_ready_links_to_the_order_page(app, smtp, paid_order):
    order = paid_order(digital(title="Night sky poster"))

    queue_email("downloads_ready", f"order:{order.id}:downloads_ready", order.email, order_id=order.id)
    jobs.commit()

    message = smtp.messages[-1]
    assert message.subject == f"Your downloads for order {order.number} are ready"
    for body in both(message):
        assert "Night sky poster" in body
        assert f"{app.config['BASE_URL']}/orders/lookup?number={order.number}" in body


def test_refund_issued_says_how_much_and_how_much_so_far(app, smtp, paid_order):
    order = paid_order(digital(title="Night sky poster", price_cents=3000))

    orders.notify_refund_issued(order, 1000)
    jobs.commit()
    orders.notify_refund_issued(order, 2500)
    jobs.commit()

    first, second = smtp.messages[1:]
    for body in both(first):
        assert "$10.00" in body and order.number in body
    for body in both(second):
        assert "$15.00" in body  # this refund
        assert "$25.00 of $30.00" in body  # refunded so far


def test_order_shipped_carries_the_carrier_and_tracking_link(app, smtp, paid_order, shopper):
    order = paid_order(physical(title="Harbour print"))

    orders.notify_shipped(order, shipment_for(order, "Parcelforce", "PF42", "https://track.example.com/PF42?x=1&y=2"))
    jobs.commit()

    message = smtp.messages[-1]
    assert message.subject == f"Order {order.number} has shipped"
    assert "Parcelforce" in message.text and "PF42" in message.text
    assert "https://track.example.com/PF42?x=1&y=2" in message.text
    assert 'href="https://track.example.com/PF42?x=1&amp;y=2"' in message.html
    assert "Ada Lovelace" in message.text  # the shipping address from the payment


def test_password_reset_carries_its_link_in_both_parts(app, smtp, client):
    make_user("reader@example.com")

    client.post("/account/reset", data={"email": "reader@example.com"})

    [message] = smtp.messages
    for body in both(message):
        assert f"{app.config['BASE_URL']}/account/reset/" in body
        assert "60 minutes" in body
