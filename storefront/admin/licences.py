"""Admin: a product's licence keys, in its editor: the policy, and pasting or uploading keys into its pool. Thin
views over storefront.licences.pool; each answers with the editor (422 with the reason when refused)."""

from flask import request
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.admin.products.catalogue import refused, render_editor
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.licences import pool
from storefront.licences.keys import PoolRefused

# A key list is text: anything larger than this is not one.
MAX_KEY_FILE_BYTES = 2 * 1024 * 1024


@bp.post("/products/<int:product_id>/licences/policy")
def set_licence_policy(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        mode = pool.set_policy(product, request.form.get("mode", ""), current_user)
    except PoolRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice=f"Licence keys: {pool.MODE_LABELS[mode].lower()}.")


@bp.post("/products/<int:product_id>/licences/pool")
def add_licence_keys(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        added, issued = pool.add_to_pool(product, _submitted_keys(), current_user)
    except PoolRefused as problem:
        return refused(product, problem)
    jobs.commit()
    waiting = f" {issued} went to orders that were waiting." if issued else ""
    return render_editor(product, notice=f"Added {added} key{'s' if added != 1 else ''} to the pool.{waiting}")


def _submitted_keys():
    """The pasted keys and those of the uploaded file, as one list's text."""
    text = request.form.get("keys", "")
    upload = request.files.get("keys_file")
    if upload is None or not upload.filename:
        return text
    data = upload.read(MAX_KEY_FILE_BYTES + 1)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise PoolRefused("That file is too large for a list of keys (at most 2 MiB).")
    try:
        return f"{text}\n{data.decode('utf-8-sig')}"
    except UnicodeDecodeError:
        raise PoolRefused("The file is not a text file (UTF-8), one key a line.") from None
