"""The shopper's account pages. Every page but the email-change confirmation (opened from an email, perhaps in
another browser) needs a login; each shows or changes only the logged-in account's own data."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from flask_login.config import COOKIE_NAME

from storefront import jobs
from storefront.account import library, services
from storefront.account.forms import ChangeEmailForm, ChangePasswordForm, ConfirmEmailChangeForm
from storefront.accounts import throttle
from storefront.accounts.services import AccountError, ConfirmationInvalid, LoginRefused
from storefront.extensions import db, limiter
from storefront.forms import render_form
from storefront.htmx import STOP_POLLING, is_htmx, render_page_or_fragment
from storefront.integers import page_number

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.app_template_filter("shopper_status")
def shopper_status(status):
    return library.STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def _me():
    return current_user._get_current_object()


def _page():
    return request.args.get("page", 1, type=page_number)


@bp.get("/")
@login_required
def overview():
    return render_template("account/overview.html", user=_me())


@bp.get("/orders")
@login_required
def orders():
    return render_template("account/orders.html", orders=library.order_history(_me(), _page()))


@bp.get("/library")
@login_required
def library_page():
    orders, entries = library.library(_me(), _page())
    return render_template("account/library.html", orders=orders, entries=entries)


@bp.get("/library/<number>")
@login_required
def library_order(number):
    """One order's part of the library; it polls itself while a file is being prepared (286 stops it)."""
    entry = library.library_order(_me(), number)
    if entry is None:
        abort(404)
    response = render_page_or_fragment(
        "account/library.html", "account/_partials/library_order.html", entries=[entry], entry=entry, orders=None
    )
    if is_htmx() and not entry.preparing:
        response.status_code = STOP_POLLING
    return response


@bp.route("/email", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(throttle.EMAILS_PER_ACCOUNT, methods=["POST"], key_func=throttle.submitted_account)
@login_required
def change_email():
    """A taken address gets the same answer as a free one; only the emails sent tell them apart."""
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return render_form("account/change_email.html", form)
    try:
        new_email = services.request_email_change(_me(), form.current_password.data, form.email.data)
    except AccountError as refused:
        jobs.rollback()
        field = form.current_password if isinstance(refused, LoginRefused) else form.email
        field.errors.append(str(refused))
        return render_form("account/change_email.html", form)
    jobs.commit()
    flash(f"Almost done: open the link we sent to {new_email} to make it your email.", "info")
    return redirect(url_for("account.overview"), code=303)


@bp.post("/email/cancel")
@login_required
def cancel_email_change():
    services.cancel_email_change(_me())
    db.session.commit()
    flash("The change of email is canceled; the link we sent no longer works.", "info")
    return redirect(url_for("account.overview"), code=303)


@bp.route("/email/confirm", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
def confirm_email_change():
    """The confirmation email's link lands here: its code (from the #fragment) and the account's password."""
    form = ConfirmEmailChangeForm()
    if not form.validate_on_submit():
        return render_form("account/confirm_email.html", form)
    try:
        user = services.confirm_email_change(form.code.data, form.current_password.data)
    except AccountError as refused:
        db.session.rollback()
        field = form.code if isinstance(refused, ConfirmationInvalid) else form.current_password
        field.errors.append(str(refused))
        return render_form("account/confirm_email.html", form)
    db.session.commit()
    flash(f"Your email is now {user.email}.", "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("account.overview"), code=303)
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user.email)
    if not form.validate_on_submit():
        return render_form("account/change_password.html", form)
    user = _me()
    try:
        services.change_password(user, form.current_password.data, form.password.data)
    except LoginRefused as refused:
        db.session.rollback()
        form.current_password.errors.append(str(refused))
        return render_form("account/change_password.html", form)
    db.session.commit()
    # The account's session version moved on, logging out every device; this browser follows it to stay in.
    login_user(user, remember=_remembered())
    flash("Your password is changed. Your other devices are logged out; this one stays logged in.", "success")
    return redirect(url_for("account.overview"), code=303)


def _remembered():
    """Whether this browser holds a remember-me cookie, which then gets the new session version too."""
    return request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)) is not None
