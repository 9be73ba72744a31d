"""The product page's URL for a catalogue card, built from a prefix that url_for makes once per request: a dozen
url_for calls per page were a measurable part of the catalogue's cost."""

from urllib.parse import quote

from flask import g, url_for

# What werkzeug's default converter leaves unquoted in a path segment, so the URL is the one url_for would build.
PATH_SAFE = "!$&'()*+,/:;=@"


def product_url(slug):
    """url_for("catalog.product", slug=slug), cheaper."""
    if "product_url_prefix" not in g:
        g.product_url_prefix = url_for("catalog.product", slug="_").removesuffix("_")
    return g.product_url_prefix + quote(slug, safe=PATH_SAFE)
