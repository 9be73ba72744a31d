"""File storage. Public objects (product images) can be linked directly; private ones (deliverables) never are.

The local backend keeps both under STORAGE_LOCAL_ROOT, in `public/` and `private/`.
"""

from pathlib import Path, PurePosixPath

from flask import current_app, url_for


class InvalidStorageKey(ValueError):
    pass


def _checked_key(key):
    path = PurePosixPath(key)
    if path.is_absolute() or not path.parts or any(part in {"", ".", ".."} for part in path.parts):
        raise InvalidStorageKey(f"unsafe storage key {key!r}")
    return str(path)


class LocalStorage:
    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key, public):
        return self.root / ("public" if public else "private") / _checked_key(key)

    def put(self, key, data, content_type, public=False):
        """Store `data` (bytes) under `key`; the content type is implied by the name locally."""
        path = self._path(key, public)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def exists(self, key, public=False):
        return self._path(key, public).is_file()

    def read(self, key, public=False):
        return self._path(key, public).read_bytes()

    def public_url(self, key):
        return url_for("media.public_file", key=_checked_key(key))

    @property
    def public_root(self):
        return self.root / "public"


def get_storage():
    return current_app.extensions["storefront.storage"]


def init_storage(app):
    app.extensions["storefront.storage"] = LocalStorage(app.config["STORAGE_LOCAL_ROOT"])
