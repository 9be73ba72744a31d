"""`flask storage prepare` against moto running as a real S3 server over HTTP: the owner runs it once (or again) and
the private bucket is closed to the public while the public one lets anyone read images, as the README says.

What S3 enforces for anonymous readers is checked by fetching objects without credentials; the Block Public Access
settings, which moto stores but does not enforce, are checked by reading them back through the API."""

import json
import urllib.error
import urllib.request
from itertools import count

import pytest

from storefront.storage import get_storage, init_storage
from storefront.storage.prepare import (
    FULLY_CLOSED,
    PENDING_EXPIRY,
    POLICY_READABLE,
    is_public,
    public_read_statement,
    upload_cors_rule,
)
from tests.production import environment, run

_names = count(1)
OWNER_STATEMENT = {
    "Sid": "BackupRole",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/backup"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::placeholder/*",
}


@pytest.fixture
def s3_settings(app, moto_url, aws_env):
    """Point the app at moto with bucket names nobody has created yet; `use(public_bucket=..., region=...)`."""

    def use(public_bucket=True, region="us-east-1"):
        number = next(_names)
        app.config.update(
            STORAGE_BACKEND="s3",
            S3_BUCKET=f"prepared-files-{number}",
            S3_PUBLIC_BUCKET=f"prepared-images-{number}" if public_bucket else None,
            S3_ENDPOINT_URL=moto_url,
            S3_REGION=region,
        )
        init_storage(app)
        return app.config["S3_BUCKET"], app.config["S3_PUBLIC_BUCKET"]

    yield use
    app.config.update(STORAGE_BACKEND="local", S3_PUBLIC_BUCKET=None)
    init_storage(app)


def prepare(app):
    result = app.test_cli_runner().invoke(args=["storage", "prepare"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def anonymous_status(url):
    """The HTTP status S3 answers a GET without any credentials with."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def object_url(app, bucket, key):
    return f"{app.config['S3_ENDPOINT_URL']}/{bucket}/{key}"


def policy_of(s3, bucket):
    try:
        return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except s3.exceptions.ClientError:
        return None


def block_of(s3, bucket):
    return s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]


def test_prepare_creates_a_closed_private_bucket_and_a_readable_public_one(app, s3, s3_settings):
    private, public = s3_settings()

    output = prepare(app)

    assert f"{private}: created" in output and f"{public}: created" in output
    assert block_of(s3, private) == FULLY_CLOSED
    assert policy_of(s3, private) is None
    assert block_of(s3, public) == POLICY_READABLE
    assert policy_of(s3, public)["Statement"] == [public_read_statement(f"arn:aws:s3:::{public}/*")]
    storage = get_storage()
    storage.put("products/guide/guide.pdf", b"%PDF-1.4", "application/pdf")
    storage.put("products/guide/cover.jpg", b"JPEG", "image/jpeg", public=True)
    assert anonymous_status(storage.public_url("products/guide/cover.jpg")) == 200
    assert anonymous_status(object_url(app, private, "private/products/guide/guide.pdf")) == 403


def test_prepare_is_idempotent_and_says_nothing_changed(app, s3, s3_settings):
    private, public = s3_settings()
    prepare(app)
    policy = policy_of(s3, public)

    again = prepare(app)

    assert again[0] == f"{private}: exists"
    assert all(line.endswith(("(already)", ": exists")) for line in again), again
    assert policy_of(s3, public) == policy
    assert block_of(s3, private) == FULLY_CLOSED


def test_prepare_closes_a_private_bucket_someone_opened_to_the_public(app, s3, s3_settings):
    private, _ = s3_settings()
    s3.create_bucket(Bucket=private)
    opened = {"Version": "2012-10-17", "Statement": [public_read_statement(f"arn:aws:s3:::{private}/*")]}
    s3.put_bucket_policy(Bucket=private, Policy=json.dumps(opened))
    s3.put_object(Bucket=private, Key="private/file.pdf", Body=b"%PDF")
    assert anonymous_status(object_url(app, private, "private/file.pdf")) == 200

    output = prepare(app)

    assert f"{private}: no public statement in the bucket policy" in output
    assert anonymous_status(object_url(app, private, "private/file.pdf")) == 403
    assert policy_of(s3, private) is None
    assert block_of(s3, private) == FULLY_CLOSED


def test_prepare_keeps_the_owners_own_statements_in_the_private_bucket_policy(app, s3, s3_settings):
    # moto grants whatever a policy allows without looking at its Principal, so this is checked through the API.
    private, _ = s3_settings()
    s3.create_bucket(Bucket=private)
    owner = {**OWNER_STATEMENT, "Resource": f"arn:aws:s3:::{private}/*"}
    opened = {"Version": "2012-10-17", "Statement": [owner, public_read_statement(f"arn:aws:s3:::{private}/*")]}
    s3.put_bucket_policy(Bucket=private, Policy=json.dumps(opened))

    prepare(app)

    assert policy_of(s3, private)["Statement"] == [owner]


def test_with_one_bucket_only_public_is_readable_and_private_stays_closed(app, s3, s3_settings):
    bucket, _ = s3_settings(public_bucket=False, region="eu-west-1")

    output = prepare(app)

    assert f"{bucket}: created" in output
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-1"
    assert [statement for statement in policy_of(s3, bucket)["Statement"] if is_public(statement)] == [
        public_read_statement(f"arn:aws:s3:::{bucket}/public/*")
    ]
    storage = get_storage()
    storage.put("products/guide/guide.pdf", b"%PDF-1.4", "application/pdf")
    storage.put("products/guide/cover.jpg", b"JPEG", "image/jpeg", public=True)
    assert anonymous_status(storage.public_url("products/guide/cover.jpg")) == 200
    assert anonymous_status(object_url(app, bucket, "private/products/guide/guide.pdf")) == 403


def test_prepare_refuses_local_storage(app):
    result = app.test_cli_runner().invoke(args=["storage", "prepare"])

    assert result.exit_code == 1
    assert "STORAGE_BACKEND" in result.output


def test_the_owner_runs_it_as_the_readme_says_with_the_production_set_up(moto_url, aws_env, s3):
    number = next(_names)
    private, public = f"owner-files-{number}", f"owner-images-{number}"
    env = environment(S3_ENDPOINT_URL=moto_url, S3_BUCKET=private, S3_PUBLIC_BUCKET=public)

    first = run(["flask", "--app", "wsgi", "storage", "prepare"], env)
    again = run(["flask", "--app", "wsgi", "storage", "prepare"], env)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == f"{private}: created"
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stdout
    assert block_of(s3, private) == FULLY_CLOSED
    assert block_of(s3, public) == POLICY_READABLE
    assert cors_rules_of(s3, private) == [upload_cors_rule("https://shop.example.com")]  # the production BASE_URL


def cors_rules_of(s3, bucket):
    try:
        return s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    except s3.exceptions.ClientError:
        return []


def preflight(app, bucket, origin):
    """What S3 answers a browser on `origin` asking whether it may POST a file to the bucket."""
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    request = urllib.request.Request(f"{app.config['S3_ENDPOINT_URL']}/{bucket}", method="OPTIONS", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers.get("Access-Control-Allow-Origin")


def test_prepare_lets_the_shops_own_pages_post_uploads_to_the_private_bucket(app, s3, s3_settings):
    private, public = s3_settings()
    app.config["BASE_URL"] = "https://shop.example/admin"

    output = prepare(app)

    assert f"{private}: browsers on https://shop.example may upload (POST)" in output
    assert cors_rules_of(s3, private) == [upload_cors_rule("https://shop.example")]
    assert cors_rules_of(s3, public) == []
    assert s3.get_bucket_lifecycle_configuration(Bucket=private)["Rules"] == [PENDING_EXPIRY]
    assert preflight(app, private, "https://shop.example") == (200, "https://shop.example")
    assert preflight(app, private, "https://elsewhere.example")[0] == 403


def test_prepare_moves_the_upload_rule_to_a_new_address_and_keeps_the_owners_rules(app, s3, s3_settings):
    private, _ = s3_settings(public_bucket=False)
    s3.create_bucket(Bucket=private)
    owner_rule = {"ID": "Reports", "AllowedOrigins": ["https://reports.example"], "AllowedMethods": ["GET"]}
    s3.put_bucket_cors(Bucket=private, CORSConfiguration={"CORSRules": [owner_rule]})
    app.config["BASE_URL"] = "https://old-shop.example"
    prepare(app)
    app.config["BASE_URL"] = "https://new-shop.example"

    output = prepare(app)

    assert f"{private}: browsers on https://new-shop.example may upload (POST)" in output
    assert cors_rules_of(s3, private) == [owner_rule, upload_cors_rule("https://new-shop.example")]
