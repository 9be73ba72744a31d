"""The S3 backend (AWS, or any S3-compatible store through S3_ENDPOINT_URL). Credentials come from boto3's usual
sources: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or the instance role.

Private objects live in S3_BUCKET under `private/`; public ones (product images) in S3_PUBLIC_BUCKET, or in
S3_BUCKET under `public/` when no public bucket is set. Reading public objects is granted by the bucket policy, not
by per-object ACLs (new buckets refuse ACLs); private objects are only ever reached through pre-signed URLs.
"""

from urllib.parse import quote

import boto3
from botocore.config import Config

from storefront.storage import attachment_header, checked_key


class S3Storage:
    def __init__(self, bucket, public_bucket=None, endpoint_url=None, region=None, public_base_url=None):
        self.bucket = bucket
        self.public_bucket = public_bucket
        self.endpoint_url = endpoint_url
        self.region = region or "us-east-1"
        self.public_base_url = public_base_url
        # S3-compatible stores (MinIO, moto, Ceph) answer on one host: address buckets by path there.
        addressing = "path" if endpoint_url else "auto"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": addressing}),
        )

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
        """Store `data` (bytes, or a binary file object streamed in parts) under `key` with its content type; returns
        the key. S3 shows a whole object or none, so a failed upload leaves nothing half-written."""
        bucket, name = self._location(key, public)
        if isinstance(data, bytes | bytearray):
            self.client.put_object(Bucket=bucket, Key=name, Body=data, ContentType=content_type)
        else:
            self.client.upload_fileobj(data, bucket, name, ExtraArgs={"ContentType": content_type})
        return key

    def exists(self, key, public=False):
        bucket, name = self._location(key, public)
        try:
            self.client.head_object(Bucket=bucket, Key=name)
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
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
