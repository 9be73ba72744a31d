from flask import abort, current_app, make_response, request
from flask_login import current_user

from storefront.catalog import bp, services
from storefront.catalog.forms import CatalogFilterForm
from storefront.extensions import limiter
from storefront.htmx import render_page_or_fragment
from storefront.integers import page_number
from storefront.page_cache import cache_for_anonymous
from storefront.renders.personalisation import values_from
from storefront.renders.preview import can_preview, etag_of, preview_of, preview_png
from storefront.reviews.queries import product_reviews
from storefront.seo.services import catalogue_meta, product_meta

INVALID = 422
# Shared by the preview fragment and its picture, so about one preview a second per address while typing.
PREVIEW_LIMIT = "120 per minute"
PREVIEW_SCOPE = "personalisation-preview"
# The same product and text always give the same picture; a changed title changes the text and so the URL.
PREVIEW_MAX_AGE = 3600
NO_STORE = {"Cache-Control": "no-store"}
REVIEWS_LIST = "reviews/_partials/approved.html"


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
    query = _catalog_query(form)
    results = services.search_products(query, current_app.config["CATALOG_PAGE_SIZE"])
    category = next((found for found in categories if found.slug == query.category_slug), None)
    page_meta = catalogue_meta(category, query.page)
    response = render_page_or_fragment(
        "catalog/index.html", "catalog/_partials/results.html", form=form, results=results, page_meta=page_meta
    )
    return cache_for_anonymous(response)


def _visible_product(slug, personalised=False):
    """The product as this viewer may see it (admins see unpublished ones); 404 when hidden, or when
    `personalised` is asked for and it is not rendered per order."""
    viewer_is_admin = current_user.is_authenticated and current_user.is_admin
    found = services.get_product_for_display(slug, include_unpublished=viewer_is_admin)
    if found is None or (personalised and not can_preview(found)):
        abort(404)
    return found


def _page_context(found, values=None):
    preview = preview_of(found, values or {}) if can_preview(found) else None
    return {
        "product": found,
        "description_html": services.render_description(found.description_md),
        "preview": preview,
        "page_meta": product_meta(found),
        "reviews": product_reviews(found, current_user, request.args.get("page", 1, type=page_number)),
    }


@bp.get("/products/<slug>")
def product(slug):
    """The product page; `?page=N` shows that page of its approved reviews, and an htmx request gets that list alone."""
    context = _page_context(_visible_product(slug))
    return cache_for_anonymous(render_page_or_fragment("catalog/product.html", REVIEWS_LIST, **context))


@bp.get("/products/<slug>/preview")
@limiter.shared_limit(PREVIEW_LIMIT, scope=PREVIEW_SCOPE)
def preview(slug):
    """The preview of the buyer's text as they type (htmx swaps #personalisation-preview); without htmx, the
    product page with the text filled in. 422 naming what cannot be printed."""
    context = _page_context(_visible_product(slug, personalised=True), values_from(request.args))
    status = 200 if context["preview"].printable else INVALID
    return render_page_or_fragment("catalog/product.html", "catalog/_partials/preview.html", status, **context)


@bp.get("/products/<slug>/preview.png")
@limiter.shared_limit(PREVIEW_LIMIT, scope=PREVIEW_SCOPE)
def preview_image(slug):
    """The preview picture; private to the browser, cached an hour and revalidated by ETag."""
    found = _visible_product(slug, personalised=True)
    state = preview_of(found, values_from(request.args))
    if not state.printable:
        return make_response(
            " ".join(state.problems), INVALID, {"Content-Type": "text/plain; charset=utf-8", **NO_STORE}
        )
    png = preview_png(found, state)
    response = make_response(png, 200, {"Content-Type": "image/png"})
    response.set_etag(etag_of(png))
    response.cache_control.private = True
    response.cache_control.max_age = PREVIEW_MAX_AGE
    return response.make_conditional(request)
