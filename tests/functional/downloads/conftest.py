"""Downloads fixtures: jobs run in-process, shoppers each with their own browser, paid orders with real files; moto
running as a real S3 server over HTTP."""

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.functional.downloads.support import ebook
from tests.stripe_fake import free_port


@pytest.fixture
def new_browser(app):
    """Another browser: `new_browser()` returns a fresh test client (no cookies)."""
    return app.test_client


@pytest.fixture
def paid_ebook_order(shopper):
    """A guest's paid order for an ebook with one file; the shopper's browser placed it."""
    order = shopper.place(ebook())
    shopper.pay(order)
    return order


@pytest.fixture(scope="session")
def moto_url():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3(moto_url, aws_env):
    """A raw S3 client on the moto server, for looking behind the app's back."""
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
