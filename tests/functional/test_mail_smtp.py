"""With MAIL_URL set, mail leaves through a real SMTP server as multipart text + HTML."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller

from tests.factories import make_user


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def test_password_reset_mail_goes_out_over_smtp(app, client, smtp_server):
    controller, collector = smtp_server
    app.config.update(MAIL_BACKEND="smtp", MAIL_URL=f"smtp://127.0.0.1:{controller.port}")
    make_user("reader@example.com")

    response = client.post("/account/reset", data={"email": "reader@example.com"})

    assert response.status_code == 302
    [envelope] = collector.messages
    assert envelope.rcpt_tos == ["reader@example.com"]
    message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "Reset your password"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    assert f"{app.config['BASE_URL']}/account/reset/" in parts["text/plain"]
