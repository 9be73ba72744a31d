"""Links that leave the site (emails, payment redirects) are built from BASE_URL, never from the Host header."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint, **values):
    """Absolute URL for `endpoint` under the configured BASE_URL; works inside jobs with no request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def is_safe_next(target):
    """Only same-site relative paths are followed after login, so `next` cannot send users elsewhere."""
    if not target:
        return False
    # Browsers read a backslash as a slash, so `/\evil.example` would leave the site like `//evil.example`.
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
