"""When an order is paid, each digital item gets one entitlement per file, with the configured download limit and
link lifetime. Granting again (a retried or duplicated job) creates nothing new."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront import jobs
from storefront.config import ConfigError, load_config
from storefront.downloads.services import grant_entitlements
from storefront.downloads.tasks import grant_entitlements_job
from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from tests.functional.checkout.support import physical
from tests.functional.downloads.support import GUIDE_PDF, MAPS_ZIP, ebook, entitlements_of


def downloads_ready_emails(order):
    query = select(func.count()).where(EmailDelivery.unique_key == f"order:{order.id}:downloads_ready")
    return db.session.scalar(query)


def test_paying_grants_each_file_with_the_configured_limit_and_link_lifetime(app, shopper):
    app.config.update(DOWNLOAD_LIMIT=3, DOWNLOAD_LINK_HOURS=24)
    atlas = ebook(
        "Coast Atlas",
        files=(("coast-atlas.pdf", GUIDE_PDF, "application/pdf"), ("maps.zip", MAPS_ZIP, "application/zip")),
    )
    order = shopper.place(atlas, physical(title="Tide Clock"))
    assert entitlements_of(order) == []

    shopper.pay(order)

    granted = entitlements_of(order)
    assert [(e.file_name, e.content_type, e.size_bytes) for e in granted] == [
        ("coast-atlas.pdf", "application/pdf", len(GUIDE_PDF)),
        ("maps.zip", "application/zip", len(MAPS_ZIP)),
    ]
    digital_item = next(item for item in order.items if item.kind == "digital")
    assert {e.order_item_id for e in granted} == {digital_item.id}
    for entitlement in granted:
        assert (entitlement.max_downloads, entitlement.download_count, entitlement.revoked_at) == (3, 0, None)
        assert abs(entitlement.expires_at - (order.paid_at + timedelta(hours=24))) < timedelta(minutes=1)
        assert len(entitlement.token) >= 40
    assert granted[0].token != granted[1].token
    assert downloads_ready_emails(order) == 1


def test_by_default_a_file_may_be_downloaded_five_times_over_48_hours(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)

    assert entitlement.max_downloads == 5
    assert abs(entitlement.expires_at - (paid_ebook_order.paid_at + timedelta(hours=48))) < timedelta(minutes=1)


def test_a_limit_of_zero_means_unlimited_downloads(app, shopper):
    app.config["DOWNLOAD_LIMIT"] = 0
    order = shopper.place(ebook())
    shopper.pay(order)

    [entitlement] = entitlements_of(order)
    assert entitlement.max_downloads == 0
    page = shopper.client.get(f"/checkout/complete/{order.number}").get_data(as_text=True)
    assert "Unlimited downloads" in page


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, (48, 5)),
        ({"DOWNLOAD_LINK_HOURS": "72", "DOWNLOAD_LIMIT": "0"}, (72, 0)),
        ({"DOWNLOAD_LINK_HOURS": "1", "DOWNLOAD_LIMIT": "10"}, (1, 10)),
    ],
)
def test_limit_and_lifetime_come_from_the_environment(tmp_path, environ, expected):
    config = load_config(environ, instance_path=str(tmp_path))

    assert (config["DOWNLOAD_LINK_HOURS"], config["DOWNLOAD_LIMIT"]) == expected


@pytest.mark.parametrize(
    "environ",
    [{"DOWNLOAD_LIMIT": "-1"}, {"DOWNLOAD_LIMIT": "five"}, {"DOWNLOAD_LINK_HOURS": "0"}, {"STORAGE_BACKEND": "s3"}],
)
def test_malformed_download_or_storage_settings_stop_the_start(tmp_path, environ):
    with pytest.raises(ConfigError):
        load_config(environ, instance_path=str(tmp_path))


def test_running_the_grant_job_again_creates_nothing_new(shopper, paid_ebook_order):
    first = [(e.id, e.token) for e in entitlements_of(paid_ebook_order)]

    grant_entitlements_job(paid_ebook_order.id)
    grant_entitlements_job(paid_ebook_order.id)

    assert [(e.id, e.token) for e in entitlements_of(paid_ebook_order)] == first
    assert downloads_ready_emails(paid_ebook_order) == 1


def test_an_unpaid_order_gets_no_files(shopper):
    order = shopper.place(ebook())

    grant_entitlements(order)
    jobs.commit()

    assert entitlements_of(order) == []
    assert downloads_ready_emails(order) == 0
