"""Downloads: every file goes out through `download`, which checks who is asking (the order's owner, the
browser session that placed or looked up the order, or an admin; anyone else gets 404), counts and logs the
download, then redirects to a short-lived URL: S3's pre-signed URL, or the app's own signed URL (local backend)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for

from storefront import jobs
from storefront.downloads import services as downloads
from storefront.downloads.signing import LinkCheck, check, signed_file_url
from storefront.orders.access import get_viewable_order
from storefront.storage import get_storage
from storefront.urls import is_safe_next

bp = Blueprint("downloads", __name__, url_prefix="/downloads")

FORBIDDEN = 403
GONE = 410
SERVICE_UNAVAILABLE = 503

bp.add_app_template_global(downloads.downloads_left, "downloads_left")
bp.add_app_template_global(downloads.is_expired, "link_expired")


def _visible_entitlement(token):
    """The live entitlement with this token if this visitor may see its order; 404 otherwise (no leak)."""
    entitlement = downloads.find_entitlement(token)
    if entitlement is None or entitlement.revoked_at is not None:
        abort(404)
    get_viewable_order(entitlement.order_item.order.number)
    return entitlement


def _refusal(entitlement):
    """403 when the downloads are used up, 410 when only the link expired (a fresh one can be minted)."""
    status = FORBIDDEN if downloads.is_used_up(entitlement) else GONE
    page = render_template(
        "downloads/unavailable.html",
        entitlement=entitlement,
        order=entitlement.order_item.order,
        used_up=status == FORBIDDEN,
        can_refresh=downloads.can_refresh(entitlement),
    )
    return page, status


@bp.get("/<token>")
def download(token):
    entitlement = _visible_entitlement(token)
    if downloads.is_used_up(entitlement) or downloads.is_expired(entitlement):
        return _refusal(entitlement)
    _require_stored_file(entitlement)
    if not downloads.record_download(entitlement, request.remote_addr, request.user_agent.string):
        jobs.rollback()  # used up or expired by a concurrent click a moment ago
        return _refusal(entitlement)
    jobs.commit()
    return redirect(_file_url(entitlement))


def _require_stored_file(entitlement):
    """503 (and the download not counted) when the file is missing from storage: our fault, not the buyer's."""
    if not get_storage().exists(entitlement.storage_key):
        current_app.logger.error("download %s: file missing from storage", entitlement.id)
        abort(SERVICE_UNAVAILABLE)


def _file_url(entitlement):
    seconds = current_app.config["DOWNLOAD_URL_SECONDS"]
    url = get_storage().presigned_url(entitlement.storage_key, entitlement.file_name, entitlement.content_type, seconds)
    return url or signed_file_url(entitlement.token, seconds)


@bp.get("/file/<token>")
def file(token):
    """Stream a local file for a signed URL handed out by `download`."""
    verdict = check(token, request.args.get("expires"), request.args.get("signature"))
    if verdict is LinkCheck.INVALID:
        abort(FORBIDDEN)
    if verdict is LinkCheck.EXPIRED:
        abort(GONE)
    entitlement = downloads.find_entitlement(token)
    storage = get_storage()
    if entitlement is None or entitlement.revoked_at is not None or not hasattr(storage, "open"):
        abort(404)
    _require_stored_file(entitlement)
    response = send_file(
        storage.open(entitlement.storage_key),
        mimetype=entitlement.content_type,
        as_attachment=True,
        download_name=entitlement.file_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<token>/fresh-link")
def fresh_link(token):
    """Mint a fresh link while the entitlement lasts, then show the order page with it (or the page of ours the form
    names in `next`, such as the account's library)."""
    entitlement = _visible_entitlement(token)
    number = entitlement.order_item.order.number
    if downloads.refresh_link(entitlement):
        jobs.commit()
        flash(f"Here is a fresh link for {entitlement.file_name}.", "success")
    else:
        flash(f"{entitlement.file_name} cannot be downloaded any more.", "error")
    back = request.form.get("next")
    return redirect(back if is_safe_next(back) else url_for("checkout.complete", number=number), code=303)
