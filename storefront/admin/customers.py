"""Admin: customers. The list (search, sort, pages; htmx swaps only the table body and pushes the URL) and one
account's page: its details, what it bought, and the account panel's inline actions (block, unblock, role).

Each action is a POST (htmx, or a plain form without JavaScript) calling one service in storefront/customers; it
answers with the account panel re-rendered in place, or a 422 with the panel and its message when the form is
invalid or a rule refuses. Without htmx, success redirects (303) to the account's page."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from storefront import jobs
from storefront.accounts.models import Role, User
from storefront.admin import bp
from storefront.customers import services
from storefront.customers.queries import SORTS, customer_page, customer_summary, order_history
from storefront.extensions import db
from storefront.forms import strip_whitespace
from storefront.htmx import is_htmx, render_page_or_fragment
from storefront.integers import page_number
from storefront.privacy.forms import AdminDeleteForm

INVALID = 422
SEARCH_MAX_LENGTH = 254


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        filters=[strip_whitespace],
        validators=[DataRequired(message="Give a reason."), Length(max=services.REASON_MAX_LENGTH)],
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(role.value, role.value.capitalize()) for role in Role])


@bp.get("/customers")
def customers():
    """`?q=` searches emails (any part), `?sort=` is newest, value or last_order, `?page=` counts from 1."""
    search = request.args.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    sort = request.args.get("sort", "newest")
    sort = sort if sort in SORTS else "newest"
    page = request.args.get("page", 1, type=page_number)
    return render_page_or_fragment(
        "admin/customers/index.html",
        "admin/customers/_partials/rows.html",
        customers=customer_page(search, sort, page),
        q=search,
        sort=sort,
        sorts=SORTS,
    )


def order_url(number):
    """The order's admin page, once that page exists on this app; None before."""
    if "admin.order_detail" not in current_app.view_functions:
        return None
    return url_for("admin.order_detail", number=number)


def _render_account(user_id, status=200, **panel):
    """The account's page, or only its panel for htmx; 404 for no such account."""
    customer = customer_summary(user_id)
    if customer is None:
        abort(404)
    orders, order_total = order_history(user_id)
    panel.setdefault("reason_form", ReasonForm(formdata=None))
    panel.setdefault("role_form", RoleForm(formdata=None, role=customer.user.role))
    panel.setdefault("erase_form", AdminDeleteForm(formdata=None))
    return render_page_or_fragment(
        "admin/customers/detail.html",
        "admin/customers/_partials/account.html",
        status,
        customer=customer,
        orders=orders,
        order_total=order_total,
        order_url=order_url,
        can_change_roles=current_user.role == Role.SUPERADMIN.value,
        **panel,
    )


@bp.get("/customers/<int:user_id>")
def customer_detail(user_id):
    return _render_account(user_id)


def _act(user_id, form, change, done, form_name):
    """Validate `form`, run `change(actor, form)` and answer (see the module's docstring); 403 when the admin's
    role forbids the change outright."""
    db.get_or_404(User, user_id)
    if not form.validate_on_submit():
        return _render_account(user_id, INVALID, **{form_name: form})
    try:
        change(current_user._get_current_object(), form)
    except services.CustomerActionForbidden:
        jobs.rollback()
        abort(403)
    except services.CustomerActionRefused as refused:
        jobs.rollback()
        return _render_account(user_id, INVALID, refusal=str(refused), **{form_name: form})
    jobs.commit()
    if is_htmx():
        return _render_account(user_id, notice=done)
    flash(done, "success")
    return redirect(url_for("admin.customer_detail", user_id=user_id), code=303)


@bp.post("/customers/<int:user_id>/block")
def block_customer(user_id):
    def block(actor, form):
        services.block_customer(actor, user_id, form.reason.data)

    return _act(user_id, ReasonForm(), block, "The account is blocked.", "reason_form")


@bp.post("/customers/<int:user_id>/unblock")
def unblock_customer(user_id):
    def unblock(actor, form):
        services.unblock_customer(actor, user_id, form.reason.data)

    return _act(user_id, ReasonForm(), unblock, "The account is unblocked.", "reason_form")


@bp.post("/customers/<int:user_id>/role")
def change_customer_role(user_id):
    """Superadmins only: 403 for anyone else, before the form is even read (404 first for no such account)."""
    db.get_or_404(User, user_id)
    if current_user.role != Role.SUPERADMIN.value:
        abort(403)

    def change(actor, form):
        services.change_role(actor, user_id, Role(form.role.data))

    return _act(user_id, RoleForm(), change, "The role is changed.", "role_form")
