"""Admin: the products list (searchable, htmx body swaps with pushed URLs) and each product's editor: fields,
publishing, archiving or deleting, and stock. Thin views over storefront.catalog.admin_services."""

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.admin.products.forms import (
    buyer_field_rows,
    form_values,
    parse_delta,
    parse_product_fields,
    parse_whole,
)
from storefront.catalog import admin_services as catalog_admin
from storefront.catalog.buyer_fields import KIND_LABELS, MAX_FIELD_LENGTH
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.htmx import render_page_or_fragment
from storefront.licences import pool as licence_pool
from storefront.mailings import file_updates
from storefront.renders.templates import TEMPLATES
from storefront.storage import get_storage

LIST_PAGE, ROWS = "admin/products/list.html", "admin/products/_partials/rows.html"
NEW_PAGE, FORM = "admin/products/new.html", "admin/products/_partials/form.html"
EDIT_PAGE, EDITOR = "admin/products/edit.html", "admin/products/_partials/editor.html"
INVALID = 422


def _currency():
    return current_app.config["STORE_CURRENCY"]


def upload_context():
    """What the upload forms show: the size limit, and whether the browser may send files straight to storage."""
    return {
        "upload_limit_mb": current_app.config["MAX_UPLOAD_MB"],
        "direct_uploads": get_storage().accepts_direct_uploads,
    }


def render_editor(product, status=200, form=None, **context):
    """The edit page, or for htmx the editor it holds, with the form as typed when `form` is given."""
    return render_page_or_fragment(
        EDIT_PAGE,
        EDITOR,
        status=status,
        product=product,
        form=form if form is not None else form_values(product, _currency()),
        categories=catalog_admin.categories(),
        templates=TEMPLATES,
        buyer_rows=buyer_field_rows(),
        field_kinds=KIND_LABELS,
        max_field_length=MAX_FIELD_LENGTH,
        stock_log=catalog_admin.stock_log(product),
        sold=catalog_admin.was_sold(product),
        licences=licence_pool.summary(product),
        licence_modes=licence_pool.MODE_LABELS,
        version_notices=file_updates.notice_counts(product.files),
        **upload_context(),
        **context,
    )


def refused(product, problem, form=None):
    """Undo the half-made change and answer 422 with the reason."""
    jobs.rollback()
    return render_editor(db.session.get(Product, product.id), INVALID, form=form, error=str(problem))


@bp.get("/products")
def products():
    """Products matching `q`, archived ones only when `archived=1`; htmx swaps the table body."""
    text = request.args.get("q", "")[:100]
    include_archived = request.args.get("archived") == "1"
    found = catalog_admin.admin_products(text, include_archived)
    counts = catalog_admin.media_counts(found)
    return render_page_or_fragment(
        LIST_PAGE, ROWS, products=found, counts=counts, q=text, include_archived=include_archived
    )


@bp.get("/products/new")
def new_product():
    return render_page_or_fragment(NEW_PAGE, FORM, form={"kind": "digital"}, categories=catalog_admin.categories())


@bp.post("/products")
def create_product():
    try:
        product = catalog_admin.create_product(parse_product_fields(request.form, _currency()), current_user)
    except catalog_admin.ProductRefused as problem:
        jobs.rollback()
        context = {"form": request.form, "categories": catalog_admin.categories(), "error": str(problem)}
        return render_page_or_fragment(NEW_PAGE, FORM, status=INVALID, **context)
    jobs.commit()
    flash(f"{product.title} was created, unpublished.", "success")
    return redirect(url_for("admin.edit_product", product_id=product.id), code=303)


@bp.get("/products/<int:product_id>")
def edit_product(product_id):
    return render_editor(db.get_or_404(Product, product_id))


@bp.post("/products/<int:product_id>")
def update_product(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        catalog_admin.update_product(product, parse_product_fields(request.form, _currency()), current_user)
    except catalog_admin.ProductRefused as problem:
        return refused(product, problem, form=request.form)
    jobs.commit()
    return render_editor(product, notice="Saved.")


@bp.post("/products/<int:product_id>/published")
def set_product_published(product_id):
    product = db.get_or_404(Product, product_id)
    try:
        catalog_admin.set_published(product, request.form.get("published") == "1", current_user)
    except catalog_admin.ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice="Published." if product.is_published else "Hidden from the shop.")


@bp.post("/products/<int:product_id>/archived")
def set_product_archived(product_id):
    product = db.get_or_404(Product, product_id)
    if request.form.get("archived") == "1":
        catalog_admin.archive_product(product, current_user)
    else:
        catalog_admin.restore_product(product, current_user)
    jobs.commit()
    return render_editor(product, notice="Archived." if product.archived_at else "Restored, unpublished.")


@bp.post("/products/<int:product_id>/delete")
def delete_product(product_id):
    """303 to the list once deleted; 422 for a product that was sold."""
    product = db.get_or_404(Product, product_id)
    title = product.title
    try:
        catalog_admin.delete_product(product, current_user)
    except catalog_admin.ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    flash(f"{title} was deleted.", "success")
    return redirect(url_for("admin.products"), code=303)


@bp.post("/products/<int:product_id>/stock")
def change_product_stock(product_id):
    """`mode=set` makes the stock a number; otherwise `change` (+5, -2) is added to whatever it is now."""
    product = db.get_or_404(Product, product_id)
    reason = request.form.get("reason", "")
    try:
        if request.form.get("mode") == "set":
            catalog_admin.set_stock(product, parse_whole(request.form.get("stock", ""), "Stock"), reason, current_user)
        else:
            catalog_admin.adjust_stock(product, parse_delta(request.form.get("change", "")), reason, current_user)
    except catalog_admin.ProductRefused as problem:
        return refused(product, problem)
    jobs.commit()
    return render_editor(product, notice=f"Stock is now {product.stock}.")
