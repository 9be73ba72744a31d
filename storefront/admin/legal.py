"""Admin: legal documents. Every admin reads each document's versions (the current one and the history); only a
superadmin publishes an edit, which becomes the next version, dated now (403 for other admins)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from storefront.accounts.models import Role
from storefront.admin import bp
from storefront.extensions import db
from storefront.legal import services
from storefront.legal.forms import PublishForm
from storefront.legal.views import kind_or_404

INVALID = 422


def _is_superadmin():
    return current_user.role == Role.SUPERADMIN.value


@bp.get("/legal")
def legal_documents():
    return render_template("admin/legal/index.html", documents=services.documents_overview())


def _render_document(kind, form, status=200, error=None):
    current = services.current_version(kind)
    return render_template(
        "admin/legal/document.html",
        kind=kind,
        current=current,
        versions=services.history(kind),
        form=form,
        can_edit=_is_superadmin(),
        error=error,
    ), status


@bp.get("/legal/<slug>")
def legal_document(slug):
    kind = kind_or_404(slug)
    current = services.current_version(kind)
    return _render_document(kind, PublishForm(formdata=None, body=current.body_markdown if current else ""))


@bp.post("/legal/<slug>")
def publish_legal_document(slug):
    """Superadmins only: 403 for anyone else before the form is read; 422 with the text as typed when refused."""
    kind = kind_or_404(slug)
    if not _is_superadmin():
        abort(403)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render_document(kind, form, INVALID)
    try:
        version = services.publish(current_user._get_current_object(), kind, form.body.data)
    except services.LegalEditRefused as refused:
        db.session.rollback()
        return _render_document(kind, form, INVALID, str(refused))
    db.session.commit()
    flash(f"{kind.title} version {version.number} is published.", "success")
    return redirect(url_for("admin.legal_document", slug=kind.value), code=303)


@bp.get("/legal/<slug>/versions/<int:number>")
def legal_version(slug, number):
    kind = kind_or_404(slug)
    version = services.get_version(kind, number)
    if version is None:
        abort(404)
    html = services.render_markdown(version.body_markdown)
    return render_template("admin/legal/version.html", version=version, html=html)
