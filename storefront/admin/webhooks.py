"""Admin: webhook deliveries the shop refused (bad signature, not an event, too large, not configured), newest
first. A run of them usually means a wrong STRIPE_WEBHOOK_SECRET, or someone forging events. Read-only: the rows
are pruned after 30 days by a periodic job."""

from flask import render_template, request

from storefront.admin import bp
from storefront.extensions import db
from storefront.integers import page_number
from storefront.payments import failures

PAGE_SIZE = 50


@bp.get("/webhook-failures")
def webhook_failures():
    page = request.args.get("page", 1, type=page_number)
    refusals = db.paginate(failures.refusals_newest_first(), page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "admin/webhook_failures.html", refusals=refusals, kept_days=failures.KEEP.days, per_minute=failures.PER_MINUTE
    )
