"""The S3 backend (AWS, or any S3-compatible store through S3_ENDPOINT_URL). Credentials come from boto3's usual
sources: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or the instance role.

Private objects live in S3_BUCKET under `private/`; public ones (product images) in S3_PUBLIC_BUCKET, or in
S3_BUCKET under `public/` when no public bucket is set. Reading public objects is granted by the bucket policy, not
by per-object ACLs (new buckets refuse ACLs); private objects are only ever reached through pre-signed URLs.

Browsers may also upload straight to S3_BUCKET under `pending/`, through a pre-signed POST whose policy fixes the key
and caps the size. A pending object is nobody's file until the app has checked it and promoted it to its final key.
"""

from functools import cached_property
from urllib.parse import quote, urlsplit

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from storefront.storage import attachment_header, checked_key

PENDING_PREFIX = "pending/"
# Public objects (product images) never change under their key: an original's key holds a random token and a
# variant's the image's id, so browsers and CDNs may keep them for a year without asking again.
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
MISSING_OBJECT = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    accepts_direct_uploads = True

    def __init__(self, bucket, public_bucket=None, endpoint_url=None, region=None, public_base_url=None):
        self.bucket = bucket
        self.public_bucket = public_bucket
        self.endpoint_url = endpoint_url
        self.region = region or "us-east-1"
        self.public_base_url = public_base_url
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=self.region, config=self._config("s3v4")
        )

    def _config(self, signature_version):
        # S3-compatible stores (MinIO, moto, Ceph) answer on one host: address buckets by path there.
        addressing = "path" if self.endpoint_url else "auto"
        return Config(signature_version=signature_version, s3={"addressing_style": addressing})

    @classmethod
    def from_config(cls, config):
        return cls(
            config["S3_BUCKET"],
            public_bucket=config["S3_PUBLIC_BUCKET"],
            endpoint_url=config["S3_ENDPOINT_URL"],
            region=config["S3_REGION"],
            public_base_url=config.get("S3_PUBLIC_BASE_URL"),
        )

    def _location(self, key, public):
        """(bucket, object key) for a storage key, keeping the local backend's public/ and private/ split."""
        key = checked_key(key)
        if public and self.public_bucket:
            return self.public_bucket, key
        return self.bucket, f"{'public' if public else 'private'}/{key}"

    def put(self, key, data, content_type, public=False):
        """Store `data` (bytes, or a binary file object streamed in parts) under `key` with its content type (and,
        when public, a year's immutable Cache-Control, which S3 sends with every GET); returns the key. S3 shows a
        whole object or none, so a failed upload leaves nothing half-written."""
        bucket, name = self._location(key, public)
        extra = {"ContentType": content_type, **({"CacheControl": PUBLIC_CACHE_CONTROL} if public else {})}
        if isinstance(data, bytes | bytearray):
            self.client.put_object(Bucket=bucket, Key=name, Body=data, **extra)
        else:
            self.client.upload_fileobj(data, bucket, name, ExtraArgs=extra)
        return key

    def exists(self, key, public=False):
        bucket, name = self._location(key, public)
        try:
            self.client.head_object(Bucket=bucket, Key=name)
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_OBJECT:
                return False
            raise
        return True

    def read(self, key, public=False):
        bucket, name = self._location(key, public)
        return self.client.get_object(Bucket=bucket, Key=name)["Body"].read()

    def delete(self, key, public=False):
        """Remove the object; S3 answers a delete of a missing object with success, so a retried delete succeeds."""
        bucket, name = self._location(key, public)
        self.client.delete_object(Bucket=bucket, Key=name)

    def public_url(self, key):
        bucket, name = self._location(key, public=True)
        if self.public_base_url:
            return f"{self.public_base_url}/{quote(name)}"
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{bucket}/{quote(name)}"
        return f"https://{bucket}.s3.{self.region}.amazonaws.com/{quote(name)}"

    def presigned_url(self, key, file_name, content_type, expires_in):
        """A GET URL for the private object, valid `expires_in` seconds, that saves it as `file_name`."""
        bucket, name = self._location(key, public=False)
        params = {
            "Bucket": bucket,
            "Key": name,
            "ResponseContentDisposition": attachment_header(file_name),
            "ResponseContentType": content_type,
        }
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    def direct_upload(self, key, max_bytes, expires_in):
        """{"url", "fields"} of a pre-signed POST letting a browser send one file of 1 to `max_bytes` bytes to the
        pending object `key` (exactly that key), for `expires_in` seconds."""
        conditions = [["content-length-range", 1, max_bytes]]
        return self.client.generate_presigned_post(
            self.bucket, self._pending(key), Conditions=conditions, ExpiresIn=expires_in
        )

    @cached_property
    def upload_origin(self):
        """The origin browsers POST direct uploads to (for the Content-Security-Policy's connect-src). An unsigned
        client builds the same URL without credentials or any request, so rendering a page never needs either."""
        unsigned = boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=self._config(UNSIGNED)
        )
        url = unsigned.generate_presigned_post(self.bucket, self._pending("_"))["url"]
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def pending_size(self, key):
        """The size in bytes of the pending object `key`, or None when nothing was uploaded there."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._pending(key))["ContentLength"]
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_OBJECT:
                return None
            raise

    def pending_head(self, key, length):
        """The first `length` bytes of the pending object `key` (a ranged GET, so a large file is not read)."""
        answer = self.client.get_object(Bucket=self.bucket, Key=self._pending(key), Range=f"bytes=0-{length - 1}")
        return answer["Body"].read()

    def pending_read(self, key):
        return self.client.get_object(Bucket=self.bucket, Key=self._pending(key))["Body"].read()

    def promote(self, pending_key, key, content_type, public=False):
        """Copy the pending object to `key` with `content_type` (a managed copy, in parts when it is large), then
        delete the pending one; returns `key`."""
        bucket, name = self._location(key, public)
        source = {"Bucket": self.bucket, "Key": self._pending(pending_key)}
        extra = {"ContentType": content_type, "MetadataDirective": "REPLACE"}
        if public:
            extra["CacheControl"] = PUBLIC_CACHE_CONTROL
        self.client.copy(source, bucket, name, ExtraArgs=extra)
        self.discard(pending_key)
        return key

    def discard(self, pending_key):
        """Delete the pending object (nothing happens when it is already gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._pending(pending_key))

    def _pending(self, key):
        return PENDING_PREFIX + checked_key(key)

    def list_objects(self, page_size=1000):
        """(key, size in bytes) of every object, named as on local storage (`public/...`, `private/...`), read with
        list_objects_v2 a page at a time. Unfinished browser uploads (`pending/`) are nobody's files and left out."""
        for item in self._objects(self.bucket, page_size):
            if not item["Key"].startswith(PENDING_PREFIX):
                yield item["Key"], item["Size"]
        if self.public_bucket:
            for item in self._objects(self.public_bucket, page_size):
                yield f"public/{item['Key']}", item["Size"]

    def _objects(self, bucket, page_size):
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": page_size}
        )
        for page in pages:
            yield from page.get("Contents", ())
