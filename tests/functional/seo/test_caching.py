"""Front-end weight: static files carry their content hash and are kept a year, text assets travel gzipped, and an
anonymous shopper's browser may keep the catalogue and product pages and revalidate them with a 304 — but no page
with a session in it is ever cached by anyone else, and nothing is cached once the shopper is logged in."""

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from storefront.extensions import db
from tests.factories import make_product, make_user

STATIC = Path(__file__).resolve().parents[3] / "storefront" / "static"
NOT_MODIFIED = 304


def linked_url(page, filename):
    return re.search(rf'"(/static/{re.escape(filename)}\?v=[0-9a-f]+)"', page).group(1)


# Static files


def test_static_files_are_hashed_on_first_use_not_by_every_app_the_worker_and_cron_create(app, client):
    assert "storefront.assets" not in app.extensions

    page = client.get("/").get_data(as_text=True)

    assert linked_url(page, "css/app.css")
    assert "css/app.css" in app.extensions["storefront.assets"]


def test_pages_link_static_files_by_their_content_hash(client):
    page = client.get("/").get_data(as_text=True)

    for filename in ("css/app.css", "vendor/htmx/htmx.min.js", "js/csrf.js", "img/favicon.svg"):
        digest = hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]
        assert linked_url(page, filename) == f"/static/{filename}?v={digest}"


def test_a_fingerprinted_file_is_kept_for_a_year_and_any_other_url_is_revalidated(client):
    url = linked_url(client.get("/").get_data(as_text=True), "css/app.css")

    fingerprinted = client.get(url)
    assert fingerprinted.data == (STATIC / "css/app.css").read_bytes()
    assert set(fingerprinted.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    for other in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        cache_control = client.get(other).headers["Cache-Control"]
        assert "immutable" not in cache_control and "no-cache" in cache_control, other


@pytest.mark.parametrize("filename", ["css/app.css", "vendor/htmx/htmx.min.js"])
def test_text_assets_are_gzipped_for_browsers_that_accept_it(client, filename):
    url = linked_url(client.get("/").get_data(as_text=True), filename)
    original = (STATIC / filename).read_bytes()

    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get(url)

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == original and len(zipped.data) < len(original) / 2
    assert "immutable" in zipped.headers["Cache-Control"]
    assert "Content-Encoding" not in plain.headers and plain.data == original
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]


def test_a_static_file_is_revalidated_with_a_304(client):
    first = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})

    again = client.get(
        "/static/css/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == NOT_MODIFIED and again.data == b""


# Pages


@pytest.fixture
def product():
    return make_product(title="Sunrise Print", price_cents=1900)


def page_urls(product):
    return ("/", "/?category=&sort=price_asc", f"/products/{product.slug}")


def test_anonymous_shoppers_may_keep_public_pages_for_a_minute_in_their_own_browser_only(client, product):
    for url in page_urls(product):
        response = client.get(url)
        cache_control = set(response.headers["Cache-Control"].split(", "))
        assert cache_control == {"private", "max-age=60"}, url
        assert {"Cookie", "HX-Request"} <= set(response.headers["Vary"].split(", ")), url
        assert response.headers["ETag"], url


def test_an_unchanged_public_page_is_answered_304_and_a_changed_one_in_full(client, product):
    for url in page_urls(product):
        etag = client.get(url).headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == NOT_MODIFIED, url
        assert again.data == b"", url

    etag = client.get(f"/products/{product.slug}").headers["ETag"]
    product.price_cents = 2400
    db.session.commit()
    changed = client.get(f"/products/{product.slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "$24.00" in changed.get_data(as_text=True)


def test_the_htmx_fragment_is_a_different_entry_from_the_page(client, product):
    page = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true", "If-None-Match": page.headers["ETag"]})

    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["ETag"] != page.headers["ETag"]


def test_another_visitor_never_gets_a_304_for_someone_elses_page(app, client, product):
    etag = client.get("/").headers["ETag"]

    stranger = app.test_client().get("/", headers={"If-None-Match": etag})

    assert stranger.status_code == 200


def test_with_a_cart_the_browser_asks_every_time_and_sees_the_new_count(client, shopper, product):
    shopper.add(product)
    client.get("/")  # shows (and so clears) the "added to cart" message
    first = client.get(f"/products/{product.slug}")
    assert set(first.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert client.get(f"/products/{product.slug}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    shopper.add(make_product(title="Tide Tables"))
    client.get("/")
    after = client.get(f"/products/{product.slug}", headers={"If-None-Match": first.headers["ETag"]})

    assert after.status_code == 200
    assert 'aria-label="2 items">2</span>' in after.get_data(as_text=True)


def test_nothing_is_cached_once_logged_in(client, auth, product):
    anonymous_etag = client.get("/").headers["ETag"]
    auth.login(make_user().email)

    for url in page_urls(product):
        response = client.get(url, headers={"If-None-Match": anonymous_etag})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url


def test_no_public_page_is_ever_shared_cached(client, shopper, auth, product):
    responses = [client.get(url) for url in page_urls(product)]
    shopper.add(product)
    responses += [client.get(url) for url in page_urls(product)]
    auth.login(make_user().email)
    responses += [client.get(url) for url in page_urls(product)]

    for response in responses:
        assert "public" not in response.headers["Cache-Control"]
        assert "s-maxage" not in response.headers["Cache-Control"]


def test_refused_filters_and_missing_products_are_not_cached(client):
    assert client.get("/?min_price=abc").headers["Cache-Control"] == "no-store"
    assert client.get("/products/no-such-thing").headers["Cache-Control"] == "no-store"
