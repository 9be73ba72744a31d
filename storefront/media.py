"""Serves public media (product images) from local storage. Private files are never reachable here."""

from flask import Blueprint, send_from_directory

from storefront.storage import get_storage

bp = Blueprint("media", __name__, url_prefix="/media")

ONE_WEEK = 7 * 24 * 3600


@bp.get("/<path:key>")
def public_file(key):
    # send_from_directory refuses paths that escape the folder.
    return send_from_directory(get_storage().public_root, key, max_age=ONE_WEEK)
