"""Admin: direct uploads to S3. The upload script asks for a pre-signed POST, sends the file straight to the bucket,
then calls finish, which checks the file and attaches it and answers with the editor as a streamed upload does.
Thin views over storefront.catalog.direct_uploads; without the script the forms post through the app as before."""

from flask import jsonify, request
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.admin.products.catalogue import refused, render_editor
from storefront.admin.products.media import upload_limit
from storefront.catalog import direct_uploads
from storefront.catalog.admin_services import ProductRefused
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.integers import MAX_ID, parse_int

INVALID = 422
NOTICES = {
    direct_uploads.FILE: lambda file: f"{file.file_name} added ({file.content_type}).",
    direct_uploads.REPLACE: lambda file: f"Replaced; earlier buyers now get {file.file_name}.",
    direct_uploads.IMAGE: lambda image: "Picture added; its sizes are being made.",
}


@bp.post("/products/<int:product_id>/uploads")
def start_direct_upload(product_id):
    """JSON for the upload script: {"url", "fields", "ticket"}, or {"error"} with a 422."""
    product = db.get_or_404(Product, product_id)
    purpose = request.form.get("purpose", "")
    file_id = parse_int(request.form.get("file_id", ""), 1, MAX_ID)
    try:
        started = direct_uploads.start_direct_upload(product, purpose, file_id, upload_limit(), current_user)
    except ProductRefused as problem:
        return jsonify(error=str(problem)), INVALID
    return jsonify(started)


@bp.post("/products/<int:product_id>/uploads/finish")
def finish_direct_upload(product_id):
    """The editor with the file or picture attached, or 422 with the reason it was refused."""
    product = db.get_or_404(Product, product_id)
    ticket, file_name, alt_text = (request.form.get(name, "") for name in ("ticket", "file_name", "alt_text"))
    try:
        purpose, made = direct_uploads.finish_direct_upload(
            product, ticket, file_name, alt_text, upload_limit(), current_user
        )
    except ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice=NOTICES[purpose](made))
