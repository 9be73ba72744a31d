"""The manifest lists S3 objects a page of list_objects_v2 at a time, under the names local storage uses."""

import pytest
from moto import mock_aws

from storefront.storage.s3 import S3Storage


@pytest.fixture
def buckets(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        storage = S3Storage("shop-private", public_bucket="shop-public")
        for bucket in ("shop-private", "shop-public"):
            storage.client.create_bucket(Bucket=bucket)
        yield storage


def test_every_object_is_listed_across_pages_but_unfinished_uploads(buckets):
    for number in range(5):
        buckets.put(f"products/guide/part-{number}.pdf", b"x" * number, "application/pdf")
    buckets.put("products/guide/cover.jpg", b"jpeg", "image/jpeg", public=True)
    buckets.client.put_object(Bucket="shop-private", Key="pending/abc/upload.pdf", Body=b"half")

    listed = dict(buckets.list_objects(page_size=2))

    assert listed == {
        **{f"private/products/guide/part-{number}.pdf": number for number in range(5)},
        "public/products/guide/cover.jpg": 4,
    }
