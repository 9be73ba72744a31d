"""On the local backend an authorised download redirects to the app's own signed URL, which streams the file for a
few minutes to whoever holds it, and refuses once it has expired or when any part of it was changed."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from storefront.downloads import signing
from tests.functional.downloads.support import GUIDE_PDF, download_url, entitlements_of, local_path

FORBIDDEN = 403
GONE = 410


@pytest.fixture
def signed_url(shopper, paid_ebook_order):
    [entitlement] = entitlements_of(paid_ebook_order)
    response = shopper.client.get(download_url(entitlement))
    assert response.status_code == 302
    return local_path(response.headers["Location"])


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()} | changes
    return f"{parts.path}?{urlencode(query)}"


def test_the_signed_url_streams_the_file_to_another_browser_without_a_session(app, signed_url, new_browser):
    response = new_browser().get(signed_url)

    assert response.status_code == 200
    assert response.data == GUIDE_PDF


def test_the_signed_url_lives_as_long_as_configured(app, signed_url):
    expires = int(parse_qs(urlsplit(signed_url).query)["expires"][0])

    assert expires - signing._now() in range(
        app.config["DOWNLOAD_URL_SECONDS"] - 5, app.config["DOWNLOAD_URL_SECONDS"] + 1
    )


def test_an_expired_signed_url_is_refused(app, client, signed_url, monkeypatch):
    later = signing._now() + app.config["DOWNLOAD_URL_SECONDS"] + 1
    monkeypatch.setattr(signing, "_now", lambda: later)

    response = client.get(signed_url)

    assert response.status_code == GONE
    assert GUIDE_PDF not in response.data


def test_a_signed_url_just_before_expiry_still_works(app, client, signed_url, monkeypatch):
    almost = signing._now() + app.config["DOWNLOAD_URL_SECONDS"] - 2
    monkeypatch.setattr(signing, "_now", lambda: almost)

    assert client.get(signed_url).status_code == 200


def tampered_signature(url):
    signature = parse_qs(urlsplit(url).query)["signature"][0]
    return with_query(url, signature=("0" if signature[0] != "0" else "1") + signature[1:])


def extended_expiry(url):
    return with_query(url, expires=int(parse_qs(urlsplit(url).query)["expires"][0]) + 3600)


def other_token(url):
    path, query = url.split("?", 1)
    return f"{path[:-1]}{'A' if path[-1] != 'A' else 'B'}?{query}"


def without_signature(url):
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items() if name != "signature"}
    return f"{parts.path}?{urlencode(query)}"


def non_ascii_signature(url):
    return with_query(url, signature="é" * 64)


@pytest.mark.parametrize(
    "tamper", [tampered_signature, extended_expiry, other_token, without_signature, non_ascii_signature]
)
def test_a_tampered_signed_url_is_refused(client, signed_url, tamper):
    response = client.get(tamper(signed_url))

    assert response.status_code == FORBIDDEN
    assert GUIDE_PDF not in response.data
