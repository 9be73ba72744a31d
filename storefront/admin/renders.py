"""Admin: renders that are queued, under way or failed, with a button to render a failed one again."""

from flask import flash, redirect, render_template, url_for

from storefront import jobs
from storefront.admin import bp
from storefront.extensions import db
from storefront.renders import services as render_services
from storefront.renders.models import Rendition


@bp.get("/renders")
def renders_page():
    return render_template("admin/renders.html", renditions=render_services.unfinished_renditions())


@bp.post("/renders/<int:rendition_id>/render-again")
def render_again(rendition_id):
    rendition = db.get_or_404(Rendition, rendition_id)
    try:
        render_services.render_again(rendition)
    except render_services.CannotRenderAgain as refused:
        jobs.rollback()
        flash(str(refused), "info")
        return redirect(url_for("admin.renders_page"), code=303)
    label = f"{rendition.order_item.title} for order {rendition.order_item.order.number}"
    jobs.commit()
    flash(f"Rendering {label} again.", "success")
    return redirect(url_for("admin.renders_page"), code=303)
