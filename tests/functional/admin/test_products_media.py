"""The admin's pictures and deliverable files: pictures checked with Pillow, their sizes made by the job and shown,
reordered and removed; files streamed to private storage under a sanitised name with their type sniffed from the
bytes, limited in size, and replaced without breaking earlier buyers' download links."""

import io
from html import unescape

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.catalog.models import ProductFile, ProductImage
from storefront.catalog.sniffing import UnsupportedFile, sniff_content_type
from storefront.catalog.uploads import safe_file_name
from storefront.extensions import db
from storefront.renders.models import ProductImageVariant
from storefront.storage import get_storage
from tests.factories import make_user
from tests.functional.checkout.support import digital, physical
from tests.functional.downloads.support import download_url, ebook, entitlements_of, local_path

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture
def admin(app):
    make_user("boss@example.com", role=Role.ADMIN)
    browser = app.test_client()
    browser.post("/account/login", data={"email": "boss@example.com", "password": "correct horse battery"})
    return browser


def picture(format_name="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=format_name)
    return buffer.getvalue()


def upload(admin, url, data, name, **fields):
    return admin.post(
        url, data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data", headers=HTMX
    )


def text(response):
    return unescape(response.get_data(as_text=True))


def audited(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def images_of(product):
    db.session.expire_all()
    query = select(ProductImage).where(ProductImage.product_id == product.id).order_by(ProductImage.position)
    return db.session.scalars(query).all()


@pytest.mark.parametrize("format_name", ["PNG", "JPEG"])
def test_an_uploaded_picture_is_stored_and_its_sizes_are_made(admin, format_name):
    product = physical(with_image=False)

    response = upload(admin, f"/admin/products/{product.id}/images", picture(format_name), "x.img", alt_text="Mug")

    assert response.status_code == 200 and "Picture added" in text(response)
    [image] = images_of(product)
    assert (image.alt_text, image.width, image.height) == ("Mug", 40, 30)
    assert get_storage().exists(image.storage_key, public=True)
    # Jobs run in-process in tests, so the variants exist once the request has committed.
    assert db.session.scalars(select(ProductImageVariant).where(ProductImageVariant.image_id == image.id)).all()
    section = admin.get(f"/admin/products/{product.id}/images", headers=HTMX)
    assert section.status_code == 286 and "sizes ready" in text(section)
    assert len(audited("product.image_add")) == 1


def test_a_picture_still_waiting_for_its_sizes_keeps_the_section_polling(admin):
    product = physical()  # the factory's image has no variants yet

    section = admin.get(f"/admin/products/{product.id}/images", headers=HTMX)

    assert section.status_code == 200
    assert "sizes being made" in text(section) and 'hx-trigger="every 2s"' in text(section)


def test_a_file_that_is_not_a_picture_is_refused(admin):
    product = physical(with_image=False)

    response = upload(admin, f"/admin/products/{product.id}/images", b"not a picture", "cat.png")

    assert response.status_code == 422
    assert "That file is not a picture we can read." in text(response)
    assert images_of(product) == [] and audited("product.image_add") == []


def test_pictures_are_reordered_and_removed(admin):
    product = physical(with_image=False)
    for _ in range(3):
        upload(admin, f"/admin/products/{product.id}/images", picture(), "p.png")
    first, second, third = images_of(product)

    admin.post(f"/admin/products/{product.id}/images/{third.id}/move", data={"direction": "up"}, headers=HTMX)
    assert [image.id for image in images_of(product)] == [first.id, third.id, second.id]
    admin.post(f"/admin/products/{product.id}/images/{first.id}/delete", headers=HTMX)

    assert [(image.id, image.position) for image in images_of(product)] == [(third.id, 0), (second.id, 1)]
    assert len(audited("product.image_move")) == 1 and len(audited("product.image_delete")) == 1


def test_a_picture_of_another_product_is_not_found(admin):
    one, other = physical(), physical()

    response = admin.post(f"/admin/products/{other.id}/images/{one.images[0].id}/delete")

    assert response.status_code == 404


def test_a_pdf_is_stored_privately_with_its_type_from_the_bytes_and_a_safe_name(admin):
    product = digital()

    response = upload(admin, f"/admin/products/{product.id}/files", PDF, "../../Field Guide (v2).pdf")

    assert response.status_code == 200
    [file] = db.session.scalars(select(ProductFile)).all()
    assert (file.file_name, file.content_type, file.size_bytes) == ("Field_Guide_v2.pdf", "application/pdf", len(PDF))
    assert file.storage_key.startswith(f"products/{product.id}/files/")
    assert get_storage().read(file.storage_key) == PDF
    assert not get_storage().exists(file.storage_key, public=True)
    [event] = audited("product.file_add")
    assert event.after["file_name"] == "Field_Guide_v2.pdf"


def test_the_browsers_content_type_is_ignored(admin):
    product = digital()

    admin.post(
        f"/admin/products/{product.id}/files",
        data={"file": (io.BytesIO(b"chapter one\n"), "notes.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )

    assert db.session.scalar(select(ProductFile.content_type)) == "text/plain"


def test_a_program_named_pdf_is_refused(admin):
    product = digital()

    response = upload(admin, f"/admin/products/{product.id}/files", WINDOWS_PROGRAM, "guide.pdf")

    assert response.status_code == 422
    assert "That file is a program; programs cannot be sold as downloads." in text(response)
    assert db.session.scalar(select(ProductFile)) is None


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(app, admin):
    app.config["MAX_UPLOAD_MB"] = 1
    product = digital()

    response = upload(admin, f"/admin/products/{product.id}/files", PDF + b"0" * (1024 * 1024), "big.pdf")

    assert response.status_code == 413
    assert "That request was larger than we accept (at most 1 MiB)" in text(response)
    assert db.session.scalar(select(ProductFile)) is None


def test_an_admin_upload_may_be_larger_than_the_app_wide_request_limit(app, admin, client):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    product = digital()
    big = PDF + b"0" * (200 * 1024)

    response = upload(admin, f"/admin/products/{product.id}/files", big, "big.pdf")
    anonymous = upload(client, f"/admin/products/{product.id}/files", big, "big.pdf")

    assert response.status_code == 200
    assert db.session.scalar(select(ProductFile.size_bytes)) == len(big)
    assert anonymous.status_code == 413


def test_an_upload_without_a_file_is_refused(admin):
    product = digital()

    response = admin.post(f"/admin/products/{product.id}/files", data={}, headers=HTMX)

    assert response.status_code == 422 and "Choose a file to upload." in text(response)


def test_physical_products_take_no_files(admin):
    product = physical()

    response = upload(admin, f"/admin/products/{product.id}/files", PDF, "guide.pdf")

    assert response.status_code == 422 and "Only digital products have files to download." in text(response)


def test_replacing_a_file_gives_an_earlier_buyer_the_new_version(admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    [old_entitlement] = entitlements_of(order)
    [file] = product.files
    new_version = PDF + b"% second edition\n"

    response = upload(admin, f"/admin/products/{product.id}/files/{file.id}/replace", new_version, "Birds 2e.pdf")

    assert response.status_code == 200
    [entitlement] = entitlements_of(order)
    assert entitlement.token == old_entitlement.token
    assert (entitlement.file_name, entitlement.size_bytes) == ("Birds_2e.pdf", len(new_version))
    authorised = shopper.client.get(download_url(entitlement))
    streamed = shopper.client.get(local_path(authorised.headers["Location"]))
    assert streamed.status_code == 200 and streamed.data == new_version
    assert "Birds_2e.pdf" in streamed.headers["Content-Disposition"]
    [event] = audited("product.file_replace")
    assert (event.before["file_name"], event.after["file_name"]) == ("harbour-birds.pdf", "Birds_2e.pdf")


def test_a_refused_replacement_leaves_the_file_and_entitlements_as_they_were(admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    [file] = product.files
    key = file.storage_key

    response = upload(admin, f"/admin/products/{product.id}/files/{file.id}/replace", WINDOWS_PROGRAM, "x.pdf")

    assert response.status_code == 422
    [entitlement] = entitlements_of(order)
    assert entitlement.storage_key == key
    assert db.session.get(ProductFile, file.id).storage_key == key


def test_removing_a_file_keeps_earlier_buyers_downloads(admin, shopper):
    product = ebook()
    order = shopper.place(product)
    shopper.pay(order)
    [file] = product.files

    admin.post(f"/admin/products/{product.id}/files/{file.id}/delete", headers=HTMX)

    assert db.session.scalar(select(ProductFile)) is None
    [entitlement] = entitlements_of(order)
    assert shopper.client.get(download_url(entitlement)).status_code == 302


@pytest.mark.parametrize(
    "head, content_type",
    [
        (PDF, "application/pdf"),
        (b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/epub+zip", "application/epub+zip"),
        (b"PK\x03\x04\x14\x00 maps", "application/zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        ("Chapter one: the harbour — é".encode()[:-1], "text/plain"),
    ],
)
def test_content_types_come_from_the_first_bytes(head, content_type):
    assert sniff_content_type(head) == content_type


@pytest.mark.parametrize(
    "head, reason",
    [
        (b"", "empty"),
        (b"\x7fELF\x02\x01", "program"),
        (b"\xcf\xfa\xed\xfe\x07", "program"),
        (b"#!/bin/sh\nrm -rf ~\n", "program"),
        (b"\x00\x01\x02\x03binary", "not accepted"),
        (b"GIF89a\x01\x00", "not accepted"),
    ],
)
def test_programs_and_unknown_kinds_are_refused(head, reason):
    with pytest.raises(UnsupportedFile, match=reason):
        sniff_content_type(head)


@pytest.mark.parametrize(
    "name, safe",
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("Field Guide (v2).pdf", "Field_Guide_v2.pdf"),
        ("archive.tar.gz", "archive.tar.gz"),
        ("коты.pdf", "download.pdf"),
        ("...", "download.pdf"),
        ("", "download.pdf"),
        ("a" * 300 + ".pdf", "a" * 110 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(name, safe):
    assert safe_file_name(name, "application/pdf") == safe
