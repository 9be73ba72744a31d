from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from storefront.accounts.models import User
from storefront.admin import bp
from storefront.catalog.models import Product
from storefront.extensions import db, login_manager
from storefront.mail.models import OutboxMessage

OUTBOX_PAGE_SIZE = 50


@bp.before_request
def require_admin():
    """Anonymous visitors are sent to log in; signed-in non-admins get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.get("/")
def dashboard():
    counts = {
        "products": db.session.scalar(select(func.count(Product.id))),
        "published": db.session.scalar(select(func.count(Product.id)).where(Product.is_published.is_(True))),
        "users": db.session.scalar(select(func.count(User.id))),
        "emails": db.session.scalar(select(func.count(OutboxMessage.id))),
    }
    return render_template("admin/dashboard.html", counts=counts)


@bp.get("/outbox")
def outbox():
    page = request.args.get("page", 1, type=int)
    messages = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=max(page, 1),
        per_page=OUTBOX_PAGE_SIZE,
        error_out=False,
    )
    return render_template("admin/outbox.html", messages=messages)


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)
