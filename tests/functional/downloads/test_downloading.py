"""A shopper downloads what they paid for: each download is counted and logged, up to the limit; an expired link
is refused with an offer of a fresh one; the file arrives under its real name and its storage key is never shown."""

import threading
from concurrent.futures import ThreadPoolExecutor

from storefront.downloads import services as downloads
from storefront.storage import get_storage
from tests.functional.checkout.support import GUEST_EMAIL, page_text
from tests.functional.downloads.support import (
    GUIDE_PDF,
    download_url,
    ebook,
    entitlements_of,
    expire,
    local_path,
    logs_of,
)

FORBIDDEN = 403
GONE = 410


def test_the_shopper_downloads_the_file_under_its_real_name_and_the_download_is_logged(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)

    authorised = shopper.client.get(download_url(entitlement), headers={"User-Agent": "FieldGuideReader/1.0"})

    assert authorised.status_code == 302
    assert "/downloads/file/" in authorised.headers["Location"]
    streamed = shopper.client.get(local_path(authorised.headers["Location"]))
    assert streamed.status_code == 200
    assert streamed.data == GUIDE_PDF
    assert streamed.headers["Content-Disposition"].startswith("attachment;")
    assert "harbour-birds.pdf" in streamed.headers["Content-Disposition"]
    assert streamed.headers["Content-Type"] == "application/pdf"
    assert "no-store" in streamed.headers["Cache-Control"]
    [entitlement] = entitlements_of(paid_ebook_order)
    assert entitlement.download_count == 1
    [log] = logs_of(entitlement)
    assert (log.ip_address, log.user_agent) == ("127.0.0.1", "FieldGuideReader/1.0")
    assert log.downloaded_at is not None


def test_the_order_page_offers_one_button_per_file_and_never_shows_storage_keys(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)

    page = page_text(shopper.client.get(f"/checkout/complete/{paid_ebook_order.number}"))

    assert f'href="/downloads/{entitlement.token}"' in page
    assert "harbour-birds.pdf" in page
    assert "5 downloads left" in page
    assert entitlement.expires_at.strftime("%d %b %Y, %H:%M") in page
    assert "Get a fresh link" in page
    assert entitlement.storage_key not in page
    assert f'/downloads/{entitlement.id}"' not in page


def test_the_download_limit_is_enforced(app, shopper):
    app.config["DOWNLOAD_LIMIT"] = 2
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)

    statuses = [shopper.client.get(download_url(entitlement)).status_code for _ in range(3)]

    assert statuses == [302, 302, FORBIDDEN]
    refused = shopper.client.get(download_url(entitlement))
    assert "Download limit reached" in page_text(refused)
    [entitlement] = entitlements_of(order)
    assert entitlement.download_count == 2
    assert len(logs_of(entitlement)) == 2
    page = page_text(shopper.client.get(f"/checkout/complete/{order.number}"))
    assert "Download limit reached." in page
    assert f'href="/downloads/{entitlement.token}"' not in page


def test_concurrent_clicks_never_download_more_than_the_limit(app, shopper, new_browser, monkeypatch):
    app.config["DOWNLOAD_LIMIT"] = 3
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    browsers = [new_browser() for _ in range(8)]
    for browser in browsers:
        found = browser.post("/orders/lookup", data={"number": order.number, "email": GUEST_EMAIL})
        assert found.status_code == 303
    # Every click passes the "downloads left?" check (none used yet) before any is counted, so all race to count.
    everyone_checked = threading.Barrier(len(browsers), timeout=30)
    record_download = downloads.record_download

    def record_download_together(*args, **kwargs):
        everyone_checked.wait()
        return record_download(*args, **kwargs)

    monkeypatch.setattr(downloads, "record_download", record_download_together)

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        responses = list(pool.map(lambda browser: browser.get(download_url(entitlement)), browsers))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] * 3 + [FORBIDDEN] * 5, statuses
    [entitlement] = entitlements_of(order)
    assert entitlement.download_count == 3
    assert len(logs_of(entitlement)) == 3


def test_an_expired_link_is_refused_with_an_offer_of_a_fresh_one(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)
    expire(entitlement)

    refused = shopper.client.get(download_url(entitlement))

    assert refused.status_code == GONE
    assert "This download link has expired" in page_text(refused)
    assert f'action="/downloads/{entitlement.token}/fresh-link"' in page_text(refused)
    assert entitlements_of(paid_ebook_order)[0].download_count == 0
    page = page_text(shopper.client.get(f"/checkout/complete/{paid_ebook_order.number}"))
    assert "This link has expired." in page
    assert f'href="/downloads/{entitlement.token}"' not in page


def test_a_fresh_link_replaces_the_expired_one(app, shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)
    expire(entitlement)
    old_token, old_expiry = entitlement.token, entitlement.expires_at

    minted = shopper.client.post(f"/downloads/{old_token}/fresh-link")

    assert minted.status_code == 303
    assert minted.headers["Location"].endswith(f"/checkout/complete/{paid_ebook_order.number}")
    page = page_text(shopper.client.get(minted.headers["Location"]))
    assert "Here is a fresh link for harbour-birds.pdf." in page
    [fresh] = entitlements_of(paid_ebook_order)
    assert f'href="/downloads/{fresh.token}"' in page
    assert fresh.token != old_token
    assert fresh.expires_at > old_expiry
    assert shopper.client.get(f"/downloads/{old_token}").status_code == 404
    assert shopper.client.get(download_url(fresh)).status_code == 302


def test_no_fresh_link_once_the_downloads_are_used_up(app, shopper):
    app.config["DOWNLOAD_LIMIT"] = 1
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    assert shopper.client.get(download_url(entitlement)).status_code == 302
    expire(entitlement)

    token = entitlement.token

    refused = shopper.client.get(f"/downloads/{token}")
    shopper.client.post(f"/downloads/{token}/fresh-link")

    assert refused.status_code == FORBIDDEN
    assert "fresh-link" not in page_text(refused)
    assert entitlements_of(order)[0].token == token


def test_an_expired_link_of_someone_elses_order_is_simply_not_found(shopper, paid_ebook_order, new_browser):
    [entitlement] = entitlements_of(paid_ebook_order)
    expire(entitlement)

    assert new_browser().get(download_url(entitlement)).status_code == 404
    assert new_browser().post(f"/downloads/{entitlement.token}/fresh-link").status_code == 404


def test_a_file_missing_from_storage_is_our_fault_and_the_download_is_not_counted(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)
    granted = shopper.client.get(download_url(entitlement))
    local_file = local_path(granted.headers["Location"])
    get_storage()._path(entitlement.storage_key, public=False).unlink()

    again = shopper.client.get(download_url(entitlement))
    streamed = shopper.client.get(local_file)

    assert again.status_code == 503
    assert "temporarily unavailable" in page_text(again)
    assert streamed.status_code == 503
    [entitlement] = entitlements_of(paid_ebook_order)
    assert entitlement.download_count == 1
