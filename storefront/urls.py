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
    # Browsers drop tabs and newlines from URLs (`/\t/evil.example` is `//evil.example` to them), and no path of
    # ours has a control character, so any of those makes the target unsafe.
    if not target or any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in target):
        return False
    # Browsers read a backslash as a slash, so `/\evil.example` would leave the site like `//evil.example`.
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
