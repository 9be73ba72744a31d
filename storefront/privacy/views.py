"""The shopper's privacy page: download everything we hold about them, or delete the account. Logged-in only; each
acts on the logged-in account alone."""

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from storefront import jobs
from storefront.accounts import throttle
from storefront.accounts.services import LoginRefused
from storefront.clock import utcnow
from storefront.extensions import limiter
from storefront.forms import render_form
from storefront.privacy import bp, services
from storefront.privacy.export import export_user_data
from storefront.privacy.forms import DeleteAccountForm


def json_download(data, name):
    """`data` as a JSON file download that no cache keeps."""
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{utcnow():%Y-%m-%d}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@login_required
def overview():
    return render_template("privacy/overview.html", form=DeleteAccountForm(formdata=None))


@bp.get("/export")
@login_required
def export():
    return json_download(export_user_data(current_user._get_current_object()), "my-data")


@bp.post("/delete")
@limiter.limit(throttle.LOGIN_PER_ADDRESS)
@login_required
def delete():
    """Password and a ticked box; then the account is erased, every session ends and the browser is logged out."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return render_form("privacy/overview.html", form)
    try:
        services.delete_own_account(current_user._get_current_object(), form.password.data)
    except (LoginRefused, services.PrivacyRefused) as refused:
        jobs.rollback()
        form.password.errors.append(str(refused))
        return render_form("privacy/overview.html", form)
    jobs.commit()
    session.clear()
    logout_user()
    flash("Your account is deleted. We sent a last email to confirm it.", "success")
    return redirect(url_for("catalog.index"), code=303)
