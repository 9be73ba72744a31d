from flask import abort, current_app, render_template, request
from flask_login import current_user

from storefront.catalog import bp, services
from storefront.catalog.forms import CatalogFilterForm
from storefront.htmx import render_page_or_fragment
from storefront.renders.personalisation import MAX_FIELD_LENGTH


def _catalog_query(form):
    return services.CatalogQuery(
        text=(form.q.data or "").strip(),
        category_slug=form.category.data or "",
        min_price_cents=form.min_price.cents,
        max_price_cents=form.max_price.cents,
        sort=form.sort.data,
        page=form.page.data or 1,
    )


@bp.get("/")
def index():
    categories = services.list_categories()
    form = CatalogFilterForm(request.args, categories, current_app.config["STORE_CURRENCY"])
    if not form.validate():
        return render_page_or_fragment(
            "catalog/index.html", "catalog/_partials/results.html", status=400, form=form, results=None
        )
    results = services.search_products(_catalog_query(form), current_app.config["CATALOG_PAGE_SIZE"])
    return render_page_or_fragment("catalog/index.html", "catalog/_partials/results.html", form=form, results=results)


@bp.get("/products/<slug>")
def product(slug):
    viewer_is_admin = current_user.is_authenticated and current_user.is_admin
    found = services.get_product_for_display(slug, include_unpublished=viewer_is_admin)
    if found is None:
        abort(404)
    description = services.render_description(found.description_md)
    return render_template(
        "catalog/product.html", product=found, description_html=description, max_field_length=MAX_FIELD_LENGTH
    )
