"""Serves public media (product images) from local storage. Private files are never reachable here."""

from flask import Blueprint, abort, send_from_directory

from storefront.storage import get_storage

bp = Blueprint("media", __name__, url_prefix="/media")

ONE_WEEK = 7 * 24 * 3600


@bp.get("/<path:key>")
def public_file(key):
    # Only the local backend serves files here; S3's public URLs point at the bucket itself.
    root = getattr(get_storage(), "public_root", None)
    if root is None:
        abort(404)
    # send_from_directory refuses paths that escape the folder.
    return send_from_directory(root, key, max_age=ONE_WEEK)
