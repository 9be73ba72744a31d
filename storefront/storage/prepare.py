"""`flask storage prepare`: set the S3 buckets up the way storefront.storage.s3 assumes, and say what changed.

The private bucket (S3_BUCKET) is closed to the public: Block Public Access fully on and no public statement in its
policy, so a deliverable leaves it only through a pre-signed URL. The public bucket (S3_PUBLIC_BUCKET) lets
everyone read objects through a bucket policy (new buckets refuse per-object ACLs), so ACLs stay blocked while
policies are allowed. Without a public bucket, the policy opens only `public/` in S3_BUCKET and `private/` stays
closed. Every step first reads the current state and changes only what differs, so running it again is harmless.
"""

import json

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


def prepare_buckets(storage):
    """Create missing buckets and set their public access as the module docstring says; returns one line per step.

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
    return report


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


def is_public(statement):
    """Whether a policy statement allows anyone at all (Principal "*"), whatever its actions and conditions."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    return aws == "*" or (isinstance(aws, list) and "*" in aws)
