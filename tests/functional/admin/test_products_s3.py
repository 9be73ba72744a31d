"""With S3 storage, an admin's deliverable streams into the private bucket with the type sniffed from its bytes."""

import io

from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import ProductFile
from storefront.extensions import db
from tests.factories import make_user
from tests.functional.checkout.support import digital
from tests.functional.downloads.conftest import aws_env, moto_url, s3  # noqa: F401  (moto as a real S3 server)
from tests.functional.downloads.test_s3 import s3_app  # noqa: F401

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" + b"0" * 300_000


def test_a_deliverable_streams_into_the_private_bucket(s3_app, s3):  # noqa: F811
    make_user("boss@example.com", role=Role.ADMIN)
    admin = s3_app.test_client()
    admin.post("/account/login", data={"email": "boss@example.com", "password": "correct horse battery"})
    product = digital()

    response = admin.post(
        f"/admin/products/{product.id}/files",
        data={"file": (io.BytesIO(PDF), "guide.pdf", "application/octet-stream")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    file = db.session.scalar(select(ProductFile))
    stored = s3.get_object(Bucket=s3_app.config["S3_BUCKET"], Key=f"private/{file.storage_key}")
    assert stored["Body"].read() == PDF
    assert stored["ContentType"] == "application/pdf"
