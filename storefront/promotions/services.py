"""Promotion code rules, enforced on the server with a reason for every refusal, and the admin's verbs.

A code is redeemed by an order that carries it and was not given up (pending orders hold their redemption, as they
hold their stock); `max_redemptions` counts those. Callers own the transaction.
"""

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from storefront import jobs
from storefront.audit.services import record_admin_action
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order
from storefront.orders.status import UNSOLD, OrderStatus
from storefront.promotions.models import PromoCode, PromoKind

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]{2,39}")
SYNC_JOB = "storefront.promotions.tasks.sync_promo_code"
PAID = [s.value for s in OrderStatus if s not in UNSOLD and s is not OrderStatus.PENDING]
HOLDING = [s.value for s in OrderStatus if s not in UNSOLD]


class PromoRefused(ValueError):
    """The code cannot be used (or made) as asked; the message is safe to show."""


def normalise_code(text):
    return (text or "").strip().upper()


# The rules


def find_code(text):
    return db.session.scalar(select(PromoCode).where(PromoCode.code == normalise_code(text)))


def check_code(text, subtotal_cents, currency, now=None):
    """The usable code `text` names for a cart of `subtotal_cents` in `currency`; raises PromoRefused saying why not."""
    promo = find_code(text)
    if promo is None or not promo.is_active:
        raise PromoRefused(f"“{normalise_code(text)}” is not a code we know, or it is no longer active.")
    if promo.expires_at is not None and promo.expires_at <= (now or utcnow()):
        raise PromoRefused(f"The code {promo.code} expired.")
    if promo.currency != currency:
        raise PromoRefused(f"The code {promo.code} is for prices in {promo.currency}.")
    if subtotal_cents < promo.min_subtotal_cents:
        minimum = format_money(promo.min_subtotal_cents, promo.currency)
        raise PromoRefused(f"The code {promo.code} needs a subtotal of at least {minimum}.")
    if promo.max_redemptions is not None and redemptions(promo.id, HOLDING) >= promo.max_redemptions:
        raise PromoRefused(f"The code {promo.code} has been used as many times as it allows.")
    return promo


def discount_cents(promo, subtotal_cents):
    """What the code takes off `subtotal_cents` (never more than the subtotal; percentages round down)."""
    if promo.kind == PromoKind.PERCENT:
        return subtotal_cents * promo.percent_off // 100
    return min(promo.amount_off_cents, subtotal_cents)


def redemptions(promo_id, statuses=None):
    query = select(func.count(Order.id)).where(Order.promo_code_id == promo_id)
    return db.session.scalar(query.where(Order.status.in_(statuses or PAID)))


def lock_code(promo_id):
    """Serialise redemptions of one code (a row lock on Postgres, the write lock on SQLite), so two checkouts at
    once cannot both take its last redemption. Call before counting, in the placing transaction."""
    db.session.execute(update(PromoCode).where(PromoCode.id == promo_id).values(code=PromoCode.code))


@dataclass(frozen=True)
class Usage:
    redemptions: int
    revenue_cents: int


def usage_by_code():
    """Code id -> paid redemptions and the revenue of those orders, in one statement."""
    rows = db.session.execute(
        select(Order.promo_code_id, func.count(Order.id), func.coalesce(func.sum(Order.total_cents), 0))
        .where(Order.promo_code_id.is_not(None), Order.status.in_(PAID))
        .group_by(Order.promo_code_id)
    ).all()
    return {promo_id: Usage(count, int(revenue)) for promo_id, count, revenue in rows}


# The admin's verbs


@dataclass(frozen=True)
class NewCode:
    code: str
    kind: str
    value: int  # percent (1-100) or cents
    min_subtotal_cents: int = 0
    max_redemptions: int | None = None
    expires_at: object = None


def create_code(new, actor):
    """Make a code (and, with Stripe, queue its coupon + promotion code after commit). Raises PromoRefused."""
    code = _valid_code(new)
    promo = PromoCode(
        code=code,
        kind=new.kind,
        percent_off=new.value if new.kind == PromoKind.PERCENT else None,
        amount_off_cents=new.value if new.kind == PromoKind.FIXED else None,
        currency=current_app.config["STORE_CURRENCY"],
        min_subtotal_cents=new.min_subtotal_cents,
        max_redemptions=new.max_redemptions,
        expires_at=new.expires_at,
        is_active=True,
    )
    db.session.add(promo)
    db.session.flush()
    record_admin_action(actor, "promo.create", promo, f"Created promotion code {code}.", after=_state(promo))
    _sync_later(promo)
    return promo


def _valid_code(new):
    code = normalise_code(new.code)
    if not CODE_PATTERN.fullmatch(code):
        raise PromoRefused("A code is 3 to 40 letters, digits, dashes or underscores.")
    if find_code(code) is not None:
        raise PromoRefused(f"The code {code} exists already.")
    if new.kind not in {PromoKind.PERCENT, PromoKind.FIXED}:
        raise PromoRefused("Choose a percentage or a fixed amount.")
    if new.kind == PromoKind.PERCENT and not 1 <= new.value <= 100:
        raise PromoRefused("A percentage is between 1 and 100.")
    if new.kind == PromoKind.FIXED and new.value <= 0:
        raise PromoRefused("A fixed amount is above zero.")
    if new.expires_at is not None and new.expires_at <= utcnow():
        raise PromoRefused("The expiry must be in the future.")
    return code


def set_active(promo, active, actor):
    """Turn a code on or off; with Stripe its promotion code follows (queued after commit)."""
    before = _state(promo)
    promo.is_active = active
    verb = "activate" if active else "deactivate"
    record_admin_action(actor, f"promo.{verb}", promo, f"{verb.title()}d code {promo.code}.", before, _state(promo))
    _sync_later(promo)


def _sync_later(promo):
    if current_app.config["PAYMENT_GATEWAY"] == "stripe":
        jobs.enqueue_after_commit(SYNC_JOB, promo.id, job_id=f"promo-sync-{promo.id}-{int(promo.is_active)}")


def _state(promo):
    return {"code": promo.code, "active": promo.is_active}
