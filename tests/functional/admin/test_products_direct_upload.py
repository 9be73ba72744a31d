"""With S3 storage an admin's browser sends a file straight to the bucket (moto, a real S3 server over HTTP) through a
pre-signed POST the app hands out, then asks the app to finish: the app checks what arrived (size, type sniffed from
the first bytes), moves it to its final key and attaches it as a streamed upload is attached. moto checks neither
signatures nor expiry nor the policy's conditions, so those are read from the policy the app signed."""

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import requests
from PIL import Image
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import ProductFile, ProductImage
from storefront.extensions import db
from storefront.storage import init_storage
from tests.factories import make_user
from tests.functional.checkout.support import digital, physical
from tests.functional.downloads.conftest import aws_env, moto_url, s3  # noqa: F401  (moto as a real S3 server)
from tests.functional.downloads.support import download_url, ebook, entitlements_of
from tests.functional.downloads.test_s3 import fetch, s3_app  # noqa: F401

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" + b"0" * 2_000
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 600
PASSWORD = "correct horse battery"


def logged_in(app, email, role=Role.ADMIN):
    make_user(email, role=role)
    browser = app.test_client()
    browser.post("/account/login", data={"email": email, "password": PASSWORD})
    return browser


@pytest.fixture
def shop(s3_app):  # noqa: F811
    """The app storing files in fresh moto buckets."""
    return s3_app


@pytest.fixture
def admin(shop):
    return logged_in(shop, "boss@example.com")


def start(browser, product, purpose="file", file_id=""):
    return browser.post(f"/admin/products/{product.id}/uploads", data={"purpose": purpose, "file_id": file_id})


def send(started, data, name="upload.bin"):
    """What the upload script does: a multipart POST of the signed fields, then the file, straight to the bucket."""
    return requests.post(started["url"], data=started["fields"], files={"file": (name, data)}, timeout=10)


def finish(browser, product, ticket, file_name="upload.bin", alt_text=""):
    data = {"ticket": ticket, "file_name": file_name, "alt_text": alt_text}
    return browser.post(f"/admin/products/{product.id}/uploads/finish", data=data, headers=HTMX)


def upload_directly(browser, product, data, file_name, purpose="file", file_id=""):
    started = start(browser, product, purpose, file_id).get_json()
    assert send(started, data).status_code == 204
    return finish(browser, product, started["ticket"], file_name)


def policy_of(started):
    return json.loads(base64.b64decode(started["fields"]["policy"]))


def objects_in(s3, bucket, prefix):  # noqa: F811
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def text(response):
    return unescape(response.get_data(as_text=True))


def picture():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_signed_policy_allows_one_server_chosen_key_up_to_the_upload_limit_for_minutes(shop, admin):
    product = digital()

    started = start(admin, product).get_json()

    policy = policy_of(started)
    key = started["fields"]["key"]
    assert key.startswith("pending/") and len(key) > len("pending/") + 16
    assert {"key": key} in policy["conditions"]
    assert ["content-length-range", 1, shop.config["MAX_UPLOAD_MB"] * 1024 * 1024] in policy["conditions"]
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    assert start(admin, product).get_json()["fields"]["key"] != key


def test_a_deliverable_sent_to_the_bucket_is_attached_with_its_sniffed_type_and_a_safe_name(shop, admin, s3):  # noqa: F811
    product = digital()
    started = start(admin, product).get_json()
    assert send(started, PDF, name="anything.bin").status_code == 204

    response = finish(admin, product, started["ticket"], file_name="../../Ünïcode guide?.pdf")

    assert response.status_code == 200
    assert "Unicode_guide.pdf added (application/pdf)" in text(response)
    file = db.session.scalar(select(ProductFile).where(ProductFile.product_id == product.id))
    assert (file.file_name, file.content_type, file.size_bytes) == ("Unicode_guide.pdf", "application/pdf", len(PDF))
    stored = s3.get_object(Bucket=shop.config["S3_BUCKET"], Key=f"private/{file.storage_key}")
    assert (stored["Body"].read(), stored["ContentType"]) == (PDF, "application/pdf")
    assert objects_in(s3, shop.config["S3_BUCKET"], "pending/") == []


def test_a_new_version_sent_to_the_bucket_reaches_earlier_buyers_through_their_links(shop, admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    [old_entitlement] = entitlements_of(order)
    [file] = product.files
    new_version = PDF + b"% second edition\n"

    response = upload_directly(admin, product, new_version, "Birds 2e.pdf", purpose="replace", file_id=file.id)

    assert response.status_code == 200 and "earlier buyers now get Birds_2e.pdf" in text(response)
    [entitlement] = entitlements_of(order)
    assert entitlement.token == old_entitlement.token
    authorised = shopper.client.get(download_url(entitlement))
    assert authorised.status_code == 302
    status, body, _ = fetch(authorised.headers["Location"])
    assert (status, body) == (200, new_version)


def test_a_picture_sent_to_the_bucket_is_added_to_the_public_pictures(shop, admin, s3):  # noqa: F811
    product = physical(with_image=False)

    response = upload_directly(admin, product, picture(), "mug.png", purpose="image")

    assert response.status_code == 200 and "Picture added" in text(response)
    [image] = db.session.scalars(select(ProductImage).where(ProductImage.product_id == product.id)).all()
    assert (image.width, image.height) == (40, 30)
    assert image.storage_key in objects_in(s3, shop.config["S3_PUBLIC_BUCKET"], "products/")
    assert objects_in(s3, shop.config["S3_BUCKET"], "pending/") == []


def test_a_program_claiming_to_be_a_pdf_is_refused_and_deleted(shop, admin, s3):  # noqa: F811
    product = digital()

    response = upload_directly(admin, product, WINDOWS_PROGRAM, "invoice.pdf")

    assert response.status_code == 422
    assert "That file is a program; programs cannot be sold as downloads." in text(response)
    assert db.session.scalar(select(ProductFile)) is None
    assert objects_in(s3, shop.config["S3_BUCKET"], "") == []


def test_an_object_over_the_upload_limit_is_refused_and_deleted(shop, admin, s3):  # noqa: F811
    # The browser may send no more than the policy allows; a store that did not enforce it is still caught here.
    shop.config["MAX_UPLOAD_MB"] = 1
    product = digital()
    started = start(admin, product).get_json()
    s3.put_object(Bucket=shop.config["S3_BUCKET"], Key=started["fields"]["key"], Body=PDF + b"0" * 1024 * 1024)

    response = finish(admin, product, started["ticket"], "big.pdf")

    assert response.status_code == 422 and "larger than the 1 MiB limit" in text(response)
    assert db.session.scalar(select(ProductFile)) is None
    assert objects_in(s3, shop.config["S3_BUCKET"], "") == []


def test_finishing_before_anything_arrived_is_refused(shop, admin):
    product = digital()
    started = start(admin, product).get_json()

    response = finish(admin, product, started["ticket"], "guide.pdf")

    assert response.status_code == 422 and "The file never reached storage" in text(response)
    assert db.session.scalar(select(ProductFile)) is None


@pytest.mark.parametrize("forged", ["", "pending/some-other-key", "tampered"])
def test_a_ticket_the_app_did_not_sign_is_refused_and_names_no_key(shop, admin, s3, forged):  # noqa: F811
    product = digital()
    started = start(admin, product).get_json()
    assert send(started, PDF).status_code == 204
    ticket = started["ticket"][:-3] + "abc" if forged == "tampered" else forged

    response = finish(admin, product, ticket, "guide.pdf")

    assert response.status_code == 422 and "That upload was not started from this page" in text(response)
    assert db.session.scalar(select(ProductFile)) is None


def test_another_admins_upload_cannot_be_finished_and_stays_theirs(shop, admin, s3):  # noqa: F811
    product = digital()
    started = start(admin, product).get_json()
    assert send(started, PDF).status_code == 204
    other_admin = logged_in(shop, "other@example.com")

    refused = finish(other_admin, product, started["ticket"], "guide.pdf")
    elsewhere = finish(admin, digital(title="Another product"), started["ticket"], "guide.pdf")

    assert refused.status_code == 422 and "started by another admin or for another product" in text(refused)
    assert elsewhere.status_code == 422
    assert db.session.scalar(select(ProductFile)) is None
    assert finish(admin, product, started["ticket"], "guide.pdf").status_code == 200


def test_a_finished_upload_cannot_be_finished_twice(shop, admin):
    product = digital()
    started = start(admin, product).get_json()
    send(started, PDF)
    assert finish(admin, product, started["ticket"], "guide.pdf").status_code == 200

    again = finish(admin, product, started["ticket"], "guide.pdf")

    assert again.status_code == 422
    assert len(db.session.scalars(select(ProductFile)).all()) == 1


def test_shoppers_can_neither_start_nor_finish_an_upload(shop, admin):
    product = digital()
    started = start(admin, product).get_json()
    send(started, PDF)
    shopper_browser = logged_in(shop, "ada@example.com", role=Role.CUSTOMER)

    assert start(shopper_browser, product).status_code == 403
    assert finish(shopper_browser, product, started["ticket"], "guide.pdf").status_code == 403
    assert db.session.scalar(select(ProductFile)) is None


@pytest.mark.parametrize(
    "purpose, message",
    [("file", "Only digital products have files to download."), ("bogus", "Say what the upload is for")],
)
def test_an_upload_the_product_cannot_take_is_refused_before_it_starts(shop, admin, purpose, message):
    response = start(admin, physical(), purpose)

    assert response.status_code == 422 and message in response.get_json()["error"]


def test_replacing_another_products_file_is_refused_before_it_starts(shop, admin):
    other_file = ebook(title="Other").files[0]

    response = start(admin, digital(), "replace", other_file.id)

    assert response.status_code == 422 and "no longer part of this product" in response.get_json()["error"]


def test_the_edit_page_offers_direct_uploads_and_lets_scripts_reach_the_bucket(shop, admin):
    product = ebook()

    response = admin.get(f"/admin/products/{product.id}")

    page = text(response)
    assert page.count("data-direct-upload=") == 3  # the new file, the new version of the one file, the picture
    assert "js/direct_upload.js" in page
    policy = response.headers["Content-Security-Policy"].split("; ")
    connect_src = next(part for part in policy if part.startswith("connect-src"))
    assert connect_src.split()[1:] == ["'self'", shop.config["S3_ENDPOINT_URL"]]


def test_with_local_storage_the_forms_post_through_the_app_as_before(app):
    admin = logged_in(app, "boss@example.com")
    product = ebook()

    page = admin.get(f"/admin/products/{product.id}")

    assert "data-direct-upload" not in text(page) and "direct_upload.js" not in text(page)
    assert "connect-src 'self';" in page.headers["Content-Security-Policy"]
    refused = start(admin, product)
    assert refused.status_code == 422 and "through the form only" in refused.get_json()["error"]


def test_finishing_without_the_pages_csrf_token_is_refused(shop, admin):
    product = digital()
    started = start(admin, product).get_json()
    send(started, PDF)
    shop.config["WTF_CSRF_ENABLED"] = True

    response = finish(admin, product, started["ticket"], "guide.pdf")

    assert response.status_code == 400
    assert db.session.scalar(select(ProductFile)) is None


def test_pages_name_the_buckets_origin_without_needing_s3_credentials(app, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET="shop-files", S3_ENDPOINT_URL=None, S3_REGION="eu-west-1")
    init_storage(app)

    response = app.test_client().get("/")

    assert response.status_code == 200
    assert "connect-src 'self' https://shop-files.s3.amazonaws.com;" in response.headers["Content-Security-Policy"]
