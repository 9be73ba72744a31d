"""Objects a product stopped using leave storage after the change commits: a replaced file (its buyers moved to the
new version), a removed file nobody bought, a removed picture and its sizes. A removed file that buyers hold stays,
a refused change deletes nothing, and the deletion job can run twice. Local storage and S3 alike."""

import pytest
from sqlalchemy import select

from storefront.catalog import cleanup
from storefront.catalog.models import ProductFile, StorageDeletion
from storefront.extensions import db
from storefront.renders.models import ProductImageVariant
from storefront.storage import get_storage
from tests.functional.admin.panel_support import admin_browser
from tests.functional.admin.test_products_media import PDF, WINDOWS_PROGRAM, images_of, picture, upload
from tests.functional.checkout.support import physical
from tests.functional.downloads.conftest import aws_env, moto_url, s3  # noqa: F401  (moto as a real S3 server)
from tests.functional.downloads.support import download_url, ebook, entitlements_of
from tests.functional.downloads.test_s3 import s3_app  # noqa: F401

NEW_EDITION = PDF + b"% second edition\n"


@pytest.fixture
def admin(app):
    return admin_browser(app)


def stored(key, public=False):
    return get_storage().exists(key, public=public)


def outcomes():
    db.session.expire_all()
    return sorted(deletion.outcome for deletion in db.session.scalars(select(StorageDeletion)))


def replace(admin, product, data=NEW_EDITION, name="Birds 2e.pdf"):
    [file] = product.files
    return upload(admin, f"/admin/products/{product.id}/files/{file.id}/replace", data, name)


def test_a_replaced_file_leaves_storage_and_its_buyer_downloads_the_new_one(admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    old_key = product.files[0].storage_key

    assert replace(admin, product).status_code == 200

    [entitlement] = entitlements_of(order)
    assert not stored(old_key) and stored(entitlement.storage_key)
    assert shopper.client.get(download_url(entitlement)).status_code == 302
    assert outcomes() == ["deleted"]


def test_a_refused_replacement_deletes_nothing(admin):
    product = ebook()
    key = product.files[0].storage_key

    assert replace(admin, product, WINDOWS_PROGRAM, "x.pdf").status_code == 422

    assert stored(key) and outcomes() == []


def test_a_removed_file_nobody_bought_leaves_storage(admin):
    product = ebook()
    [file] = product.files

    admin.post(f"/admin/products/{product.id}/files/{file.id}/delete")

    assert not stored(file.storage_key) and outcomes() == ["deleted"]


def test_a_removed_file_a_buyer_holds_stays_for_them(admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    [file] = product.files

    admin.post(f"/admin/products/{product.id}/files/{file.id}/delete")

    [entitlement] = entitlements_of(order)
    assert stored(entitlement.storage_key) and outcomes() == ["kept"]
    assert shopper.client.get(download_url(entitlement)).status_code == 302


def test_a_removed_picture_and_its_sizes_leave_storage(admin):
    product = physical(with_image=False)
    upload(admin, f"/admin/products/{product.id}/images", picture(), "p.png")
    [image] = images_of(product)
    keys = [image.storage_key, *(variant.storage_key for variant in image.variants)]
    assert len(keys) > 1 and all(stored(key, public=True) for key in keys)

    admin.post(f"/admin/products/{product.id}/images/{image.id}/delete")

    assert not any(stored(key, public=True) for key in keys)
    assert db.session.scalar(select(ProductImageVariant)) is None
    assert outcomes() == ["deleted"] * len(keys)


def test_a_deleted_products_files_and_pictures_leave_storage(admin):
    product = ebook(with_image=False)
    upload(admin, f"/admin/products/{product.id}/images", picture(), "p.png")
    [image] = images_of(product)
    public_keys = [image.storage_key, *(variant.storage_key for variant in image.variants)]
    file_key = product.files[0].storage_key

    assert admin.post(f"/admin/products/{product.id}/delete").status_code == 303

    assert not stored(file_key) and not any(stored(key, public=True) for key in public_keys)
    assert outcomes() == ["deleted"] * (1 + len(public_keys))


def test_the_deletion_job_can_run_again(app):
    product = ebook()
    key = product.files[0].storage_key
    db.session.delete(product.files[0])
    cleanup.delete_after_commit(key)
    db.session.commit()
    deletion = db.session.scalar(select(StorageDeletion))

    cleanup.delete_stored_object(deletion.id)
    get_storage().put(key, b"put back by hand", "application/pdf")
    cleanup.delete_stored_object(deletion.id)

    assert outcomes() == ["deleted"]
    assert stored(key), "a deletion already done does nothing more"


def test_deleting_a_missing_object_is_no_error_locally(app):
    get_storage().delete("products/none/missing.pdf")


def test_on_s3_a_replaced_file_leaves_the_private_bucket(s3_app, s3, admin):  # noqa: F811
    product = ebook()
    [file] = product.files
    old_key = file.storage_key

    replace(admin, product)

    db.session.expire_all()
    new_key = db.session.get(ProductFile, file.id).storage_key
    bucket = s3_app.config["S3_BUCKET"]
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [f"private/{new_key}"]
    get_storage().delete(old_key)  # a second delete of the same object is no error on S3 either
