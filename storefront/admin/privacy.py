"""Admin: a customer's privacy request received by email. From the customer's page an admin downloads the account's
data export or deletes the account, typing its email to confirm; both are audited (storefront.privacy.services)."""

from flask import flash, redirect, url_for
from flask_login import current_user

from storefront import jobs
from storefront.accounts.models import User
from storefront.admin import bp
from storefront.admin.customers import INVALID, _render_account
from storefront.extensions import db
from storefront.privacy import services
from storefront.privacy.forms import AdminDeleteForm
from storefront.privacy.views import json_download


@bp.post("/customers/<int:user_id>/export")
def export_customer(user_id):
    """The account's data as a JSON download (a POST: the export is audited, and CSRF-protected like any change)."""
    db.get_or_404(User, user_id)
    data = services.export_for_admin(current_user._get_current_object(), user_id)
    db.session.commit()
    return json_download(data, f"customer-{user_id}-data")


@bp.post("/customers/<int:user_id>/delete")
def delete_customer(user_id):
    """422 with the customer's page and the reason when the typed email does not match or the account cannot go."""
    db.get_or_404(User, user_id)
    form = AdminDeleteForm()
    if not form.validate_on_submit():
        return _render_account(user_id, INVALID, erase_form=form)
    try:
        services.delete_for_admin(current_user._get_current_object(), user_id, form.typed_email.data)
    except services.PrivacyRefused as refused:
        jobs.rollback()
        form.typed_email.errors.append(str(refused))
        return _render_account(user_id, INVALID, erase_form=form)
    jobs.commit()
    flash("The account is deleted and its owner emailed; its orders stay without personal details.", "success")
    return redirect(url_for("admin.customer_detail", user_id=user_id), code=303)
