"""Admin: promotion codes. A list with what each code brought in, a form to make one, and a switch to turn one off
or on again; each answer is the page, or for htmx the section it replaces."""

from datetime import date, datetime, time

from flask import current_app, request
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.extensions import db
from storefront.htmx import render_page_or_fragment
from storefront.integers import parse_int
from storefront.money import parse_major_amount
from storefront.promotions import services as promotions
from storefront.promotions.models import PromoCode, PromoKind

PAGE, SECTION = "admin/promotions.html", "admin/_partials/promotions.html"
INVALID = 422


def _render(status=200, **context):
    codes = db.session.scalars(db.select(PromoCode).order_by(PromoCode.created_at.desc(), PromoCode.id.desc())).all()
    usage = promotions.usage_by_code()
    return render_page_or_fragment(PAGE, SECTION, status=status, codes=codes, usage=usage, **context)


@bp.get("/promotions")
def promotions_page():
    return _render(form={})


@bp.post("/promotions")
def create_promotion():
    """Make a code from the form; 422 with the reason and the form as typed when it cannot be made."""
    try:
        promotions.create_code(parse_new_code(request.form), current_user)
    except promotions.PromoRefused as refused:
        jobs.rollback()
        return _render(INVALID, form=request.form, error=str(refused))
    jobs.commit()
    return _render(form={}, notice="The code was created.")


@bp.post("/promotions/<int:promo_id>/active")
def set_promotion_active(promo_id):
    promo = db.get_or_404(PromoCode, promo_id)
    promotions.set_active(promo, request.form.get("active") == "1", current_user)
    jobs.commit()
    return _render(form={}, notice=f"{promo.code} is {'active' if promo.is_active else 'switched off'}.")


def parse_new_code(form):
    """The code the form describes; raises PromoRefused naming the field that is wrong."""
    kind = form.get("kind", "")
    if kind not in {PromoKind.PERCENT, PromoKind.FIXED}:
        raise promotions.PromoRefused("Choose a percentage or a fixed amount.")
    return promotions.NewCode(
        code=form.get("code", ""),
        kind=kind,
        value=_percent(form) if kind == PromoKind.PERCENT else _cents(form, "amount_off", "The amount off"),
        min_subtotal_cents=_cents(form, "min_subtotal", "The minimum subtotal", optional=True),
        max_redemptions=_max_redemptions(form),
        expires_at=_expiry(form),
    )


def _percent(form):
    value = parse_int(form.get("percent_off", "").strip(), 1, 100)
    if value is None:
        raise promotions.PromoRefused("A percentage is a whole number between 1 and 100.")
    return value


def _cents(form, name, label, optional=False):
    text = form.get(name, "").strip()
    if optional and not text:
        return 0
    try:
        return parse_major_amount(text, current_app.config["STORE_CURRENCY"])
    except ValueError as problem:
        raise promotions.PromoRefused(f"{label} {problem}.") from None


def _max_redemptions(form):
    text = form.get("max_redemptions", "").strip()
    if not text:
        return None
    value = parse_int(text, 1, 1_000_000)
    if value is None:
        raise promotions.PromoRefused("The redemption limit is a whole number from 1, or empty for no limit.")
    return value


def _expiry(form):
    """The end of the chosen day (UTC), or None."""
    text = form.get("expires_on", "").strip()
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time.max)
    except ValueError:
        raise promotions.PromoRefused("The expiry is a date such as 2027-01-31.") from None
