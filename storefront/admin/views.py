from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select

from storefront import jobs
from storefront.admin import bp
from storefront.extensions import db, login_manager
from storefront.integers import page_number
from storefront.mail import CannotSendAgain, can_send_again, send_again
from storefront.mail.models import DeliveryStatus, EmailDelivery, OutboxMessage

OUTBOX_PAGE_SIZE = 50


@bp.before_request
def require_admin():
    """Anonymous visitors are sent to log in; signed-in non-admins get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.get("/outbox")
def outbox():
    page = request.args.get("page", 1, type=page_number)
    messages = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=page,
        per_page=OUTBOX_PAGE_SIZE,
        error_out=False,
    )
    return render_template("admin/outbox.html", messages=messages)


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


@bp.get("/emails")
def emails():
    """Every transactional email and how its delivery went; failed ones first, then the newest."""
    page = request.args.get("page", 1, type=page_number)
    failed_first = case((EmailDelivery.status == DeliveryStatus.FAILED.value, 0), else_=1)
    deliveries = db.paginate(
        select(EmailDelivery).order_by(failed_first, EmailDelivery.created_at.desc(), EmailDelivery.id.desc()),
        page=page,
        per_page=OUTBOX_PAGE_SIZE,
        error_out=False,
    )
    return render_template("admin/emails.html", deliveries=deliveries, can_send_again=can_send_again)


@bp.post("/emails/<int:delivery_id>/send-again")
def send_email_again(delivery_id):
    delivery = db.get_or_404(EmailDelivery, delivery_id)
    try:
        send_again(delivery)
    except CannotSendAgain as refusal:
        jobs.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("admin.emails"), code=303)
    jobs.commit()
    flash(f"The email to {delivery.to_address} is queued to be sent again.", "success")
    return redirect(url_for("admin.emails"), code=303)
