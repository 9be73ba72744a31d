"""The S3 backend against moto running as a real server over HTTP: private files go to the private bucket and
leave it only through short pre-signed URLs the app hands out after its checks; product images go to the public
bucket. (moto checks neither signatures nor expiry, so expiry is shown on the app's side: the lifetime it asks
boto3 for, and its own refusal once the entitlement expired.)"""

import json
import urllib.error
import urllib.request
from itertools import count
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from storefront.config import load_config
from storefront.downloads.signing import signed_file_url
from storefront.storage import get_storage, init_storage
from storefront.storage.s3 import S3Storage
from tests.functional.downloads.support import GUIDE_PDF, download_url, ebook, entitlements_of, expire

GONE = 410
_buckets = count(1)


@pytest.fixture
def s3_app(app, moto_url, s3):
    """The app storing files on S3 (moto): fresh private and public buckets for each test."""
    number = next(_buckets)
    private, public = f"shop-files-{number}", f"shop-images-{number}"
    s3.create_bucket(Bucket=private)
    s3.create_bucket(Bucket=public)
    # As the deployment guide sets it up: everyone may read the image bucket, nobody the files bucket.
    s3.put_bucket_policy(Bucket=public, Policy=json.dumps(public_read_policy(public)))
    app.config.update(
        STORAGE_BACKEND="s3",
        S3_BUCKET=private,
        S3_PUBLIC_BUCKET=public,
        S3_ENDPOINT_URL=moto_url,
        S3_REGION="us-east-1",
    )
    init_storage(app)
    assert isinstance(get_storage(), S3Storage)
    yield app
    app.config["STORAGE_BACKEND"] = "local"
    init_storage(app)


def public_read_policy(bucket):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers


def test_the_s3_backend_is_chosen_by_configuration(tmp_path):
    environ = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "files", "S3_PUBLIC_BUCKET": "images", "S3_REGION": "eu-west-1"}

    config = load_config(environ, instance_path=str(tmp_path))

    assert (config["STORAGE_BACKEND"], config["S3_BUCKET"], config["S3_PUBLIC_BUCKET"]) == ("s3", "files", "images")
    assert config["S3_REGION"] == "eu-west-1"


def test_product_images_are_cached_for_a_year_and_private_files_not_at_all(s3_app, s3):
    storage = get_storage()

    storage.put("products/guide/guide.pdf", GUIDE_PDF, "application/pdf")
    storage.put("products/guide/cover.jpg", b"JPEG", "image/jpeg", public=True)

    public = s3.head_object(Bucket=s3_app.config["S3_PUBLIC_BUCKET"], Key="products/guide/cover.jpg")
    assert public["CacheControl"] == "public, max-age=31536000, immutable"
    private = s3.head_object(Bucket=s3_app.config["S3_BUCKET"], Key="private/products/guide/guide.pdf")
    assert "CacheControl" not in private


def test_private_files_go_to_the_private_bucket_and_images_to_the_public_one(s3_app, s3):
    storage = get_storage()

    storage.put("products/guide/guide.pdf", GUIDE_PDF, "application/pdf")
    storage.put("products/guide/cover.jpg", b"JPEG", "image/jpeg", public=True)

    private = s3.get_object(Bucket=s3_app.config["S3_BUCKET"], Key="private/products/guide/guide.pdf")
    assert (private["Body"].read(), private["ContentType"]) == (GUIDE_PDF, "application/pdf")
    public = s3.get_object(Bucket=s3_app.config["S3_PUBLIC_BUCKET"], Key="products/guide/cover.jpg")
    assert (public["Body"].read(), public["ContentType"]) == (b"JPEG", "image/jpeg")
    assert storage.exists("products/guide/guide.pdf") and not storage.exists("products/guide/guide.pdf", public=True)
    assert storage.read("products/guide/guide.pdf") == GUIDE_PDF
    image_url = storage.public_url("products/guide/cover.jpg")
    assert (
        image_url == f"{s3_app.config['S3_ENDPOINT_URL']}/{s3_app.config['S3_PUBLIC_BUCKET']}/products/guide/cover.jpg"
    )
    assert fetch(image_url)[1] == b"JPEG"
    private_url = f"{s3_app.config['S3_ENDPOINT_URL']}/{s3_app.config['S3_BUCKET']}/private/products/guide/guide.pdf"
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(private_url)
    assert refused.value.code == 403


def test_without_a_public_bucket_images_go_under_public_in_the_main_bucket(s3_app, s3):
    storage = S3Storage(s3_app.config["S3_BUCKET"], endpoint_url=s3_app.config["S3_ENDPOINT_URL"])

    storage.put("products/guide/cover.jpg", b"JPEG", "image/jpeg", public=True)

    stored = s3.get_object(Bucket=s3_app.config["S3_BUCKET"], Key="public/products/guide/cover.jpg")
    assert stored["Body"].read() == b"JPEG"


def test_a_paid_download_redirects_to_a_short_presigned_url_that_returns_the_file(s3_app, shopper):
    s3_app.config["DOWNLOAD_URL_SECONDS"] = 300
    order = shopper.place(
        ebook("Harbour Birds", files=(("Harbour Birds – Field Guide.pdf", GUIDE_PDF, "application/pdf"),))
    )
    shopper.pay(order)
    [entitlement] = entitlements_of(order)

    page = shopper.client.get(f"/checkout/complete/{order.number}").get_data(as_text=True)
    assert entitlement.storage_key not in page
    authorised = shopper.client.get(download_url(entitlement))

    assert authorised.status_code == 302
    url = authorised.headers["Location"]
    assert url.startswith(f"{s3_app.config['S3_ENDPOINT_URL']}/{s3_app.config['S3_BUCKET']}/private/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "Harbour%20Birds%20%E2%80%93%20Field%20Guide.pdf" in query["response-content-disposition"][0]
    status, body, headers = fetch(url)
    assert (status, body) == (200, GUIDE_PDF)
    assert "attachment" in headers["Content-Disposition"]
    assert "Harbour Birds – Field Guide.pdf" in unquote(headers["Content-Disposition"])
    assert entitlements_of(order)[0].download_count == 1


def test_the_app_asks_for_the_configured_lifetime_and_refuses_once_the_entitlement_expired(s3_app, shopper):
    s3_app.config["DOWNLOAD_URL_SECONDS"] = 120
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    first = shopper.client.get(download_url(entitlement))
    assert parse_qs(urlsplit(first.headers["Location"]).query)["X-Amz-Expires"] == ["120"]

    expire(entitlement)
    refused = shopper.client.get(download_url(entitlement))

    assert refused.status_code == GONE
    assert "Location" not in refused.headers
    assert s3_app.config["S3_ENDPOINT_URL"] not in refused.get_data(as_text=True)
    assert entitlements_of(order)[0].download_count == 1


def test_the_local_streaming_url_does_not_exist_on_s3(s3_app, shopper, client):
    order = shopper.place(ebook())
    shopper.pay(order)
    [entitlement] = entitlements_of(order)
    with s3_app.test_request_context():
        url = signed_file_url(entitlement.token, 60)

    assert client.get(url).status_code == 404
