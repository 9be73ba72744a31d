from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from storefront import jobs
from storefront.accounts import bp, services, throttle
from storefront.accounts.forms import ConfirmEmailForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from storefront.extensions import db, limiter
from storefront.forms import render_form
from storefront.urls import is_safe_next

INVALID = 422


def _redirect_next(default="catalog.index"):
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for(default))


def _start_session(user, remember):
    """Log in on a fresh session: nothing an earlier visitor of this browser left in it (orders it may view, its
    CSRF token) carries over. The guest cart has its own cookie, so it still merges into the account."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy; the next form gets a new token
    if not remember:
        # Flask-Login then deletes a remember-me cookie an earlier account left, which would log it back in later.
        session["_remember"] = "clear"
    login_user(user, remember=remember)


def _end_session():
    """Log out here and on every other device: the session is emptied, and the account's session version moves on,
    so a copied session or remember-me cookie no longer logs anyone in."""
    services.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion in the new session


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(throttle.REGISTER_PER_ADDRESS, methods=["POST"])
@limiter.limit(throttle.EMAILS_PER_ACCOUNT, methods=["POST"], key_func=throttle.submitted_account)
def register():
    """New and already-registered emails get the same answer; the email sent to the address tells them apart."""
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_form("accounts/register.html", form)
    try:
        services.sign_up(form.email.data, form.password.data)
    except services.EmailTaken:
        # A double-submitted form lost the race to its twin, which created the account and sent the welcome.
        jobs.rollback()
    jobs.commit()
    next_page = request.args.get("next")
    return redirect(url_for("accounts.check_inbox", next=next_page if is_safe_next(next_page) else None), code=303)


@bp.get("/register/check-your-inbox")
def check_inbox():
    return render_template("accounts/check_inbox.html")


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
def confirm_email():
    """The welcome email's link lands here: its code (from the #fragment) and the sign-up password confirm the
    address and log in."""
    form = ConfirmEmailForm()
    if not form.validate_on_submit():
        return render_form("accounts/confirm.html", form)
    try:
        user = services.confirm_email(form.code.data, form.password.data)
    except services.AccountError as refused:
        db.session.rollback()
        field = form.code if isinstance(refused, services.ConfirmationInvalid) else form.password
        field.errors.append(str(refused))
        return render_form("accounts/confirm.html", form)
    db.session.commit()
    _start_session(user, remember=False)
    flash("Your email is confirmed and you are logged in. Welcome!", "success")
    return redirect(url_for("catalog.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(throttle.LOGIN_PER_ACCOUNT, methods=["POST"], key_func=throttle.submitted_account)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_form("accounts/login.html", form)
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.LoginRefused as refused:
        db.session.rollback()
        return render_template("accounts/login.html", form=form, refusal=str(refused)), INVALID
    db.session.commit()
    _start_session(user, remember=form.remember.data)
    flash("You are logged in.", "success")
    return _redirect_next()


@bp.post("/logout")
@login_required
def logout():
    _end_session()
    flash("You are logged out, here and on your other devices.", "info")
    return redirect(url_for("catalog.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(throttle.RESET_PER_ADDRESS, methods=["POST"])
@limiter.limit(throttle.EMAILS_PER_ACCOUNT, methods=["POST"], key_func=throttle.submitted_account)
def request_reset():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_form("accounts/reset_request.html", form)
    services.request_password_reset(form.email.data)
    jobs.commit()
    flash("If an account uses that email, a reset link is on its way. It works once, for one hour.", "info")
    return redirect(url_for("accounts.login"))


# The code comes in the form, never the URL: a URL's path and query reach access logs (ours and the router's).
@bp.route("/reset/new", methods=["GET", "POST"])
@limiter.limit(throttle.LOGIN_PER_ADDRESS, methods=["POST"])
def reset_password():
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_form("accounts/reset_password.html", form)
    try:
        services.reset_password(form.code.data, form.password.data)
    except services.ResetTokenInvalid as invalid:
        db.session.rollback()
        form.code.errors.append(str(invalid))
        return render_form("accounts/reset_password.html", form)
    db.session.commit()
    session.clear()
    logout_user()
    flash("Your password has been changed. Log in with the new one.", "success")
    return redirect(url_for("accounts.login"))
