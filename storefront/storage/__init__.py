"""File storage. Public objects (product images) can be linked directly; private ones (deliverables) never are.

Two backends share one interface (`put`, `exists`, `read`, `delete`, `public_url`, `presigned_url`,
`list_objects`), chosen by STORAGE_BACKEND: `local` keeps both kinds under STORAGE_LOCAL_ROOT, in `public/` and
`private/`; `s3` (see `storefront.storage.s3`) keeps them in buckets. A private file leaves storage only through the
downloads blueprint, after its authorisation check. Only S3 takes uploads straight from the browser
(`accepts_direct_uploads`; see `storefront.catalog.direct_uploads`); local storage receives every upload through the
app.
"""

import secrets
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from flask import current_app, g, url_for

COPY_CHUNK = 1024 * 1024


class InvalidStorageKey(ValueError):
    pass


def attachment_header(file_name):
    """A Content-Disposition value that saves the file under `file_name`, non-ASCII names included (RFC 6266)."""
    fallback = "".join(char if " " <= char <= "~" and char not in '"\\' else "_" for char in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def checked_key(key):
    """`key` normalised ("a//b" is "a/b"); raises InvalidStorageKey for an absolute path, "." or "..", or nothing."""
    parts = key.split("/")
    if all(part and part not in {".", ".."} for part in parts):
        return key  # already normal: the common case, without the cost of a PurePosixPath (a page checks a hundred)
    path = PurePosixPath(key)
    if path.is_absolute() or not path.parts or any(part in {"", ".", ".."} for part in path.parts):
        raise InvalidStorageKey(f"unsafe storage key {key!r}")
    return str(path)


class LocalStorage:
    # Uploads reach local storage through the app; only S3 takes them straight from the browser.
    accepts_direct_uploads = False
    upload_origin = None

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key, public):
        return self.root / ("public" if public else "private") / checked_key(key)

    def put(self, key, data, content_type, public=False):
        """Store `data` (bytes, or a binary file object read to its end in chunks) under `key`; the content type is
        implied by the name locally. Written to a temporary name first, so a failed upload leaves nothing half-written.
        """
        path = self._path(key, public)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        with partial.open("wb") as target:
            if isinstance(data, bytes | bytearray):
                target.write(data)
            else:
                shutil.copyfileobj(data, target, COPY_CHUNK)
        partial.replace(path)
        return key

    def exists(self, key, public=False):
        return self._path(key, public).is_file()

    def read(self, key, public=False):
        return self._path(key, public).read_bytes()

    def delete(self, key, public=False):
        """Remove the object; an object already gone is no error, so a retried delete succeeds."""
        self._path(key, public).unlink(missing_ok=True)

    def open(self, key, public=False):
        """A binary file object for streaming the object; raises FileNotFoundError when it is missing."""
        return self._path(key, public).open("rb")

    def presigned_url(self, key, file_name, content_type, expires_in):
        """None: local files have no URL of their own; the app streams them behind a signed, expiring link."""
        return None

    def public_url(self, key):
        # url_for once per request: a catalogue page links a hundred images and variants, and it is slow.
        if "media_url_prefix" not in g:
            g.media_url_prefix = url_for("media.public_file", key="_").removesuffix("_")
        return g.media_url_prefix + quote(checked_key(key))

    @property
    def public_root(self):
        return self.root / "public"

    def list_objects(self):
        """(key, size in bytes) of every stored object, the key under `public/` or `private/`, in name order. Files
        still being written (`.part`) are left out."""
        for folder in ("private", "public"):
            base = self.root / folder
            for path in sorted(base.rglob("*")):
                if path.is_file() and not path.name.endswith(".part"):
                    yield f"{folder}/{path.relative_to(base).as_posix()}", path.stat().st_size


def get_storage():
    return current_app.extensions["storefront.storage"]


def init_storage(app):
    """Attach the backend STORAGE_BACKEND names; call again after changing the settings (tests do)."""
    if app.config["STORAGE_BACKEND"] == "s3":
        from storefront.storage.s3 import S3Storage

        app.extensions["storefront.storage"] = S3Storage.from_config(app.config)
    else:
        app.extensions["storefront.storage"] = LocalStorage(app.config["STORAGE_LOCAL_ROOT"])
