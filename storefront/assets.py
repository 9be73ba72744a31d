"""Static files with a content hash in their URL, cached for a year, and text assets gzipped once per process.

`url_for('static', filename=...)` gains `?v=<hash of the file>` (a url_defaults hook, so templates need no helper).
A request whose `v` is the file's current hash is answered `Cache-Control: public, max-age=31536000, immutable`:
a changed file gets a new URL, so browsers and CDNs never need to ask again. Any other request (no `v`, or the hash
of an older copy) gets the file with `no-cache`, so it is revalidated.

Text assets (CSS, JavaScript, SVG) are small and few, so each is gzipped once and kept in memory; a browser that
accepts gzip gets those bytes. The manifest is built on first use, not in create_app: the worker and the cron
scheduler never serve a static file, and gunicorn's master builds it once for its web workers (storefront.prefork).
Only static files are compressed: pages carry the CSRF token next to text a visitor typed (the search box), the mix
a BREACH attack needs, so they go out as they are.

In debug mode nothing is fingerprinted or precompressed, so an edited stylesheet shows on the next reload.
"""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request

ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE_TYPES = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain"}
# Below this, gzip's own header and the extra round of work are not worth it.
MIN_COMPRESS_BYTES = 512
FINGERPRINT_ARG = "v"
MANIFEST_KEY = "storefront.assets"


@dataclass(frozen=True)
class Asset:
    digest: str
    mimetype: str
    gzipped: bytes | None


def register_assets(app):
    """Serve static files through `serve_static`; every file is hashed (and gzipped) on first use."""
    app.url_defaults(add_fingerprint)
    app.view_functions["static"] = serve_static


def build_manifest(root):
    """{filename relative to `root` (posix): Asset} for every file under `root`."""
    return {path.relative_to(root).as_posix(): _asset(path) for path in sorted(root.rglob("*")) if path.is_file()}


def _asset(path):
    data = path.read_bytes()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    compressible = mimetype in COMPRESSIBLE_TYPES and len(data) >= MIN_COMPRESS_BYTES
    # mtime=0 keeps the gzipped bytes (and so their ETag) the same on every start-up and every dyno.
    gzipped = gzip.compress(data, compresslevel=9, mtime=0) if compressible else None
    return Asset(hashlib.sha256(data).hexdigest()[:12], mimetype, gzipped)


def manifest():
    """{filename: Asset} of the current app, built on the first call in this process (empty in debug mode)."""
    extensions = current_app.extensions
    if MANIFEST_KEY not in extensions:
        extensions[MANIFEST_KEY] = {} if current_app.debug else build_manifest(Path(current_app.static_folder))
    return extensions[MANIFEST_KEY]


def add_fingerprint(endpoint, values):
    if endpoint != "static" or FINGERPRINT_ARG in values:
        return
    asset = manifest().get(values.get("filename"))
    if asset is not None:
        values[FINGERPRINT_ARG] = asset.digest


def serve_static(filename):
    """The static file, gzipped when it was precompressed and the browser accepts gzip; immutable for a year when
    the URL carries the file's current hash."""
    asset = manifest().get(filename)
    if asset is not None and asset.gzipped is not None and request.accept_encodings["gzip"]:
        response = current_app.response_class(asset.gzipped, mimetype=asset.mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(f"{asset.digest}-gzip")
    else:
        response = current_app.send_static_file(filename)
    if asset is not None and asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    _set_cache_control(response, fingerprinted=asset is not None and request.args.get(FINGERPRINT_ARG) == asset.digest)
    return response.make_conditional(request)


def _set_cache_control(response, fingerprinted):
    if fingerprinted:
        response.cache_control.no_cache = None  # send_static_file's default
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
