"""Helpers for mail tests: what a real SMTP server received, and what the database says about deliveries."""

import email
import os
import socket
import time
from email import policy
from pathlib import Path

from sqlalchemy import select

from storefront.extensions import db
from storefront.fulfilment.models import Shipment
from storefront.mail.models import EmailDelivery


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message the server accepted."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        return [Received(envelope) for envelope in self.envelopes]

    def wait_for(self, count, seconds=60):
        """Wait (bounded) until `count` messages arrived; returns them."""
        deadline = time.monotonic() + seconds
        while len(self.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class Received:
    """One message as the SMTP server got it: recipients, subject, and its text and HTML parts."""

    def __init__(self, envelope):
        self.rcpt_tos = envelope.rcpt_tos
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.subject = message["Subject"]
        self.content_type = message.get_content_type()
        self.parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}

    @property
    def text(self):
        return self.parts["text/plain"]

    @property
    def html(self):
        return self.parts["text/html"]


def deliveries(kind=None):
    db.session.expire_all()
    query = select(EmailDelivery).order_by(EmailDelivery.id)
    if kind is not None:
        query = query.where(EmailDelivery.kind == kind)
    return db.session.scalars(query).all()


def shipment_for(order, carrier, tracking_number, tracking_url):
    """A parcel record for `order` (no items), as the mail tests need one to announce; shipping rules are tested
    in tests/functional/admin/test_fulfilment.py."""
    shipment = Shipment(order_id=order.id, carrier=carrier, tracking_number=tracking_number, tracking_url=tracking_url)
    db.session.add(shipment)
    db.session.flush()
    return shipment


def held_job(marker_dir):
    """A job for the worker tests: notes its start (with the pid of the work horse running it), then waits until the
    test releases it (a `release` file, bounded at 5 minutes) or, on a later attempt after its horse died, finishes
    at once. Waiting on the test rather than a fixed sleep keeps the tests independent of the machine's speed."""
    marker = Path(marker_dir)
    attempt = len(list(marker.glob("started-*"))) + 1
    (marker / f"started-{attempt}").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while attempt == 1 and not (marker / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    (marker / "finished").write_text(str(attempt))


def wait_until(condition, seconds=120):
    """Poll `condition` until it holds (True) or `seconds` pass (False). Generous: it returns as soon as it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def report_start_up_work(report_path):
    """A job for the worker tests: writes (as JSON) what its work horse still had to set up when the job began,
    before doing anything itself. Everything should have been done once in the worker, before forking."""
    import gc
    import json
    import sys

    from flask import current_app

    from storefront.renders.fonts import pdf_font

    report = {
        "pid": os.getpid(),
        "mappers_unconfigured": db.Model.registry._new_mappers,
        "job_modules_missing": [
            name for name in ("storefront.renders.tasks", "reportlab.pdfgen.canvas") if name not in sys.modules
        ],
        "fonts_registered": pdf_font.cache_info().currsize,
        "mail_templates_compiled": sum(1 for key in current_app.jinja_env.cache.keys() if "mail/" in str(key)),
        "objects_frozen": gc.get_freeze_count(),
    }
    Path(report_path).write_text(json.dumps(report))
