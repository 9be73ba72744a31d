"""Mail fixtures: a real SMTP server (aiosmtpd) on loopback, and a queue of its own on the real Redis."""

import pytest
from aiosmtpd.controller import Controller

from tests.functional.checkout.support import digital
from tests.functional.mail.support import Inbox, free_port


@pytest.fixture
def smtp(app):
    """An SMTP server the app sends through (MAIL_URL); returns its inbox, which knows the server's port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_URL=f"smtp://127.0.0.1:{controller.port}")
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def closed_port():
    """A port nothing listens on: SMTP connections to it are refused."""
    return free_port()


@pytest.fixture
def paid_order(app, shopper):
    """A guest's order for a digital product, paid through the dummy gateway (its confirmation already sent)."""

    def pay(*products):
        order = shopper.place(*(products or (digital(title="Night sky poster"),)))
        shopper.pay(order)
        return order

    return pay


@pytest.fixture
def queue(rq_queue):
    return rq_queue
