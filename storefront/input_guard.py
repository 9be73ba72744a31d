"""Checks every request passes before any view runs, so malformed input is a 4xx and never reaches the database.

- NUL bytes: Postgres refuses them in text (a 500 from any query or insert that carried one), and no address,
  name, order number or search needs one, so a request with a NUL in its path, query string, headers or form is
  refused with 400.
- `<int:...>` URL segments take ASCII digits within a database id's range (`storefront.integers.IdConverter`).
- Bodies over MAX_CONTENT_LENGTH are refused with 413 by Flask when they are read.
"""

from flask import abort, request

from storefront.integers import IdConverter

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
NUL = "\x00"


def register_input_guards(app):
    """Call before the blueprints are registered: their URL rules pick their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)


def refuse_nul_bytes():
    if NUL in request.path or _has_nul(request.args.items(multi=True)) or _has_nul(request.headers.items()):
        abort(400)
    # Only form bodies are parsed here: other bodies (the Stripe webhook's JSON) are left unread for their view.
    if request.mimetype in FORM_TYPES and _has_nul(request.form.items(multi=True)):
        abort(400)


def _has_nul(pairs):
    return any(NUL in key or NUL in value for key, value in pairs)
