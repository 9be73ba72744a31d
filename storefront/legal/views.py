"""Public legal pages, and the page asking a logged-in shopper to accept new terms before checking out."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from storefront.extensions import db
from storefront.forms import render_form
from storefront.legal import bp, services
from storefront.legal.forms import AcceptTermsForm
from storefront.legal.models import DocumentKind
from storefront.urls import is_safe_next


def kind_or_404(slug):
    """The document a URL names; 404 for any other slug."""
    try:
        return DocumentKind(slug)
    except ValueError:
        abort(404)


@bp.get("/<slug>")
def document(slug):
    """The document's current version with its "last updated" date; 404 when unknown or not yet published."""
    version = services.current_version(kind_or_404(slug))
    if version is None:
        abort(404)
    return render_template("legal/document.html", version=version, html=services.render_markdown(version.body_markdown))


def _next_page():
    target = request.args.get("next")
    return target if is_safe_next(target) else url_for("checkout.review")


@bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def accept_terms():
    """Shown before checkout when the current terms are newer than the account's last acceptance; accepting
    continues to `next` (the checkout by default)."""
    me = current_user._get_current_object()
    version = services.terms_to_accept(me)
    if version is None:
        return redirect(_next_page(), code=303)
    form = AcceptTermsForm(version=version.number)
    if not form.validate_on_submit():
        return render_form("legal/accept.html", form, version=version)
    try:
        services.accept_current_terms(me, form.version.data)
    except services.LegalEditRefused as changed:
        db.session.rollback()
        flash(str(changed), "error")
        return redirect(url_for("legal.accept_terms", next=request.args.get("next")), code=303)
    db.session.commit()
    flash("Thank you: you accepted the current terms.", "success")
    return redirect(_next_page(), code=303)
