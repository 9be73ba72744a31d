"""`flask storage prepare`: set the S3 buckets up the way storefront.storage.s3 assumes, and say what changed.

The private bucket (S3_BUCKET) is closed to the public: Block Public Access fully on and no public statement in its
policy, so a deliverable leaves it only through a pre-signed URL. The public bucket (S3_PUBLIC_BUCKET) lets
everyone read objects through a bucket policy (new buckets refuse per-object ACLs), so ACLs stay blocked while
policies are allowed. Without a public bucket, the policy opens only `public/` in S3_BUCKET and `private/` stays
closed. The private bucket also gets a CORS rule letting the shop's own pages (BASE_URL's origin) POST to it, which
admins' direct uploads need, and a lifecycle rule deleting uploads nobody finished (`pending/`) after a day. Every
step first reads the current state and changes only what differs, so running it again is harmless.
"""

import json
from urllib.parse import urlsplit

PUBLIC_READ_SID = "StorefrontPublicRead"
FULLY_CLOSED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# Public reads come from the bucket policy; ACLs stay blocked so no single object can be opened by accident.
POLICY_READABLE = {**FULLY_CLOSED, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
MISSING_BUCKET = {"404", "NoSuchBucket", "NotFound"}
UPLOAD_CORS_ID = "StorefrontDirectUploads"
PENDING_EXPIRY_ID = "StorefrontAbandonedUploads"
PENDING_EXPIRY = {
    "ID": PENDING_EXPIRY_ID,
    "Filter": {"Prefix": "pending/"},
    "Status": "Enabled",
    "Expiration": {"Days": 1},
}


def prepare_buckets(storage, base_url):
    """Create missing buckets, set their public access as the module docstring says and let pages served from
    `base_url` upload to the private bucket; returns one line per step.

    Raises botocore's ClientError when S3 refuses a step (for example a bucket name owned by someone else)."""
    report = []
    if storage.public_bucket:
        _ensure_bucket(storage, storage.bucket, report)
        _close(storage, storage.bucket, report)
        _ensure_bucket(storage, storage.public_bucket, report)
        _open_for_reading(storage, storage.public_bucket, f"arn:aws:s3:::{storage.public_bucket}/*", report)
    else:
        _ensure_bucket(storage, storage.bucket, report)
        _open_for_reading(storage, storage.bucket, f"arn:aws:s3:::{storage.bucket}/public/*", report)
    _allow_uploads_from(storage, storage.bucket, shop_origin(base_url), report)
    _expire_abandoned_uploads(storage, storage.bucket, report)
    return report


def shop_origin(base_url):
    """The origin (scheme, host and port) of the shop's pages: "https://shop.example/path" -> "https://shop.example"."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def upload_cors_rule(origin):
    """The CORS rule letting pages from `origin` POST files to the bucket and read the answer."""
    return {
        "ID": UPLOAD_CORS_ID,
        "AllowedOrigins": [origin],
        "AllowedMethods": ["POST"],
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3000,
    }


def public_read_statement(resource):
    return {"Sid": PUBLIC_READ_SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource}


def _ensure_bucket(storage, bucket, report):
    try:
        storage.client.head_bucket(Bucket=bucket)
    except storage.client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in MISSING_BUCKET:
            raise
        storage.client.create_bucket(Bucket=bucket, **_location(storage.region))
        report.append(f"{bucket}: created")
        return
    report.append(f"{bucket}: exists")


def _location(region):
    # us-east-1 is the one region S3 refuses to be named in a LocationConstraint.
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def _close(storage, bucket, report):
    _set_public_access_block(storage, bucket, FULLY_CLOSED, "Block Public Access fully on", report)
    _set_public_statements(storage, bucket, [], report)


def _open_for_reading(storage, bucket, resource, report):
    # The block must allow public policies before S3 accepts one.
    _set_public_access_block(storage, bucket, POLICY_READABLE, "public ACLs blocked, public policy allowed", report)
    _set_public_statements(storage, bucket, [public_read_statement(resource)], report)


def _set_public_access_block(storage, bucket, wanted, description, report):
    try:
        current = storage.client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except storage.client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchPublicAccessBlockConfiguration":
            raise
        current = None
    if current == wanted:
        report.append(f"{bucket}: {description} (already)")
        return
    storage.client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=wanted)
    report.append(f"{bucket}: {description}")


def _set_public_statements(storage, bucket, wanted, report):
    """Make the policy's public statements exactly `wanted`, keeping the owner's other statements as they are."""
    policy = _policy(storage, bucket)
    statements = _statements(policy)
    updated = [statement for statement in statements if not is_public(statement)] + wanted
    if updated == statements:
        report.append(f"{bucket}: {_describe(wanted)} (already)")
        return
    if updated:
        policy = {"Version": "2012-10-17", **(policy or {}), "Statement": updated}
        storage.client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    else:
        storage.client.delete_bucket_policy(Bucket=bucket)
    report.append(f"{bucket}: {_describe(wanted)}")


def _policy(storage, bucket):
    try:
        return json.loads(storage.client.get_bucket_policy(Bucket=bucket)["Policy"])
    except storage.client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
            raise
        return None


def _statements(policy):
    statements = (policy or {}).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _describe(wanted):
    if not wanted:
        return "no public statement in the bucket policy"
    return f"policy lets everyone read {wanted[0]['Resource']} (s3:GetObject)"


def _allow_uploads_from(storage, bucket, origin, report):
    """Make our CORS rule `upload_cors_rule(origin)`, keeping the owner's other rules as they are."""
    wanted = upload_cors_rule(origin)
    try:
        rules = storage.client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    except storage.client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchCORSConfiguration":
            raise
        rules = []
    if wanted in rules:
        report.append(f"{bucket}: browsers on {origin} may upload (POST) (already)")
        return
    others = [rule for rule in rules if rule.get("ID") != UPLOAD_CORS_ID]
    storage.client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [*others, wanted]})
    report.append(f"{bucket}: browsers on {origin} may upload (POST)")


def _expire_abandoned_uploads(storage, bucket, report):
    """Make our lifecycle rule PENDING_EXPIRY, keeping the owner's other rules as they are."""
    try:
        rules = storage.client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    except storage.client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchLifecycleConfiguration":
            raise
        rules = []
    if PENDING_EXPIRY in rules:
        report.append(f"{bucket}: unfinished uploads deleted after a day (already)")
        return
    others = [rule for rule in rules if rule.get("ID") != PENDING_EXPIRY_ID]
    configuration = {"Rules": [*others, PENDING_EXPIRY]}
    storage.client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=configuration)
    report.append(f"{bucket}: unfinished uploads deleted after a day")


def is_public(statement):
    """Whether a policy statement allows anyone at all (Principal "*"), whatever its actions and conditions."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    return aws == "*" or (isinstance(aws, list) and "*" in aws)
