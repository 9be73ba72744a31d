"""`sitemap.xml` and `robots.txt`, built from the catalogue and BASE_URL; public, cached an hour."""

from flask import make_response, render_template

from storefront.seo import bp, services
from storefront.urls import external_url

ONE_HOUR = 3600


def _public(body, mimetype):
    response = make_response(body)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = ONE_HOUR
    return response


@bp.get("/sitemap.xml")
def sitemap():
    body = render_template("seo/sitemap.xml", entries=services.sitemap_entries())
    return _public(body, "application/xml")


@bp.get("/robots.txt")
def robots():
    body = render_template(
        "seo/robots.txt", disallowed=services.disallowed_paths(), sitemap_url=external_url("seo.sitemap")
    )
    return _public(body, "text/plain")
