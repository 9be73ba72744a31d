"""Admin: a product's pictures (upload, reorder, remove; the variants job's progress polled) and deliverable files
(upload, replace, remove). Uploads get their own size limit, MAX_UPLOAD_MB, instead of the app-wide one."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.admin.products.catalogue import refused, render_editor, upload_context
from storefront.catalog import uploads
from storefront.catalog.admin_services import ProductRefused
from storefront.catalog.models import Product, ProductFile, ProductImage
from storefront.extensions import db
from storefront.htmx import STOP_POLLING, is_htmx
from storefront.mailings import file_updates

IMAGES = "admin/products/_partials/images.html"


UPLOAD_ENDPOINTS = {"admin.add_product_image", "admin.add_product_file", "admin.replace_product_file"}


def upload_limit():
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


@bp.url_value_preprocessor
def allow_large_uploads(endpoint, _values):
    """Give an admin's upload its own size limit. This runs before any before_request (CSRF reads the body there),
    and only for signed-in admins, so nobody else can make the app read a large body."""
    if endpoint in UPLOAD_ENDPOINTS and current_user.is_authenticated and current_user.is_admin:
        request.max_content_length = upload_limit()


def _uploaded_file():
    """The form's `file`, or ProductRefused when none was chosen."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ProductRefused("Choose a file to upload.")
    return upload


def _child(model, product_id, child_id):
    child = db.get_or_404(model, child_id)
    if child.product_id != product_id:
        abort(404)
    return child


@bp.post("/products/<int:product_id>/images")
def add_product_image(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        upload = _uploaded_file()
        uploads.add_image(product, upload.read(), request.form.get("alt_text", ""), current_user)
    except ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice="Picture added; its sizes are being made.")


@bp.get("/products/<int:product_id>/images")
def product_images(product_id):
    """The pictures section alone, polled while variants are still being made; 286 stops the polling once done.
    A browser opening the URL itself is sent to the product's page."""
    product = db.get_or_404(Product, product_id)
    if not is_htmx():
        return redirect(url_for("admin.edit_product", product_id=product.id))
    pending = any(not image.variants for image in product.images)
    return render_template(IMAGES, product=product, **upload_context()), 200 if pending else STOP_POLLING


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
def move_product_image(product_id, image_id):
    image = _child(ProductImage, product_id, image_id)
    uploads.move_image(image, -1 if request.form.get("direction") == "up" else 1, current_user)
    jobs.commit()
    return render_editor(image.product, notice="Pictures reordered.")


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
def delete_product_image(product_id, image_id):
    image = _child(ProductImage, product_id, image_id)
    product = image.product
    uploads.delete_image(image, current_user)
    jobs.commit()
    return render_editor(product, notice="Picture removed.")


@bp.post("/products/<int:product_id>/files")
def add_product_file(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        upload = _uploaded_file()
        file = uploads.add_product_file(product, upload.stream, upload.filename, upload_limit(), current_user)
    except ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice=f"{file.file_name} added ({file.content_type}).")


@bp.post("/products/<int:product_id>/files/<int:file_id>/replace")
def replace_product_file(product_id, file_id):
    file = _child(ProductFile, product_id, file_id)
    try:
        upload = _uploaded_file()
        label = request.form.get("version_label", "")
        uploads.replace_product_file(file, upload.stream, upload.filename, upload_limit(), current_user, label)
    except ProductRefused as problem:
        return refused(file.product, problem)
    jobs.commit()
    return render_editor(file.product, notice=f"Replaced; earlier buyers now get {file.file_name}.")


@bp.post("/products/<int:product_id>/files/<int:file_id>/delete")
def delete_product_file(product_id, file_id):
    file = _child(ProductFile, product_id, file_id)
    product = file.product
    uploads.delete_product_file(file, current_user)
    jobs.commit()
    return render_editor(product, notice="File removed; buyers who have it keep their copy.")


@bp.post("/products/<int:product_id>/files/<int:file_id>/notify")
def notify_file_buyers(product_id, file_id):
    """Email everyone holding the file that its current version is out (once per buyer and version, by a job)."""
    file = _child(ProductFile, product_id, file_id)
    try:
        file_updates.queue_version_notices(file, current_user)
    except ProductRefused as problem:
        return refused(file.product, problem)
    jobs.commit()
    return render_editor(file.product, notice=f"Emails about version {file.version} are being queued.")
