from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from storefront import jobs
from storefront.accounts import bp, services
from storefront.accounts.forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from storefront.extensions import db, limiter
from storefront.urls import is_safe_next

INVALID = 422


def _redirect_next(default="catalog.index"):
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for(default))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form), INVALID if form.is_submitted() else 200
    try:
        user = services.register_user(form.email.data, form.password.data, current_app.config["TERMS_VERSION"])
    except services.EmailTaken as refused:
        db.session.rollback()
        form.email.errors.append(str(refused))
        return render_template("accounts/register.html", form=form), INVALID
    db.session.commit()
    login_user(user)
    flash("Welcome! Your account is ready.", "success")
    return _redirect_next()


# Slows password guessing from one address; failed and successful attempts both count.
LOGIN_LIMIT = "10 per minute;50 per hour"
RESET_LIMIT = "5 per 15 minutes"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), INVALID if form.is_submitted() else 200
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.LoginRefused as refused:
        db.session.rollback()
        return render_template("accounts/login.html", form=form, refusal=str(refused)), INVALID
    db.session.commit()
    login_user(user, remember=form.remember.data)
    flash("You are logged in.", "success")
    return _redirect_next()


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("catalog.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(RESET_LIMIT, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("accounts/reset_request.html", form=form), INVALID if form.is_submitted() else 200
    services.request_password_reset(form.email.data)
    jobs.commit()
    flash("If an account uses that email, a reset link is on its way. It works once, for one hour.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        services.find_valid_reset_token(token)
    except services.ResetTokenInvalid as invalid:
        return render_template("accounts/reset_invalid.html", reason=str(invalid)), 400
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/reset_password.html", form=form), INVALID if form.is_submitted() else 200
    try:
        services.reset_password(token, form.password.data)
    except services.ResetTokenInvalid as invalid:
        db.session.rollback()
        return render_template("accounts/reset_invalid.html", reason=str(invalid)), 400
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    flash("Your password has been changed. Log in with the new one.", "success")
    return redirect(url_for("accounts.login"))
