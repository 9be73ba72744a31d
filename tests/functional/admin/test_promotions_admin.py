"""The admin's promotion codes page: making a code (with a reason for every refusal), switching it off and on, and
what each code brought in. Every change is audited."""

from html import unescape

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.promotions.models import PromoCode
from tests.factories import make_user
from tests.functional.checkout.support import GUEST_EMAIL, digital, order_paid_on

HTMX = {"HX-Request": "true"}
NEW = {"code": "spring-10", "kind": "percent", "percent_off": "10"}


@pytest.fixture
def admin(app):
    make_user("boss@example.com", role=Role.ADMIN)
    browser = app.test_client()
    browser.post("/account/login", data={"email": "boss@example.com", "password": "correct horse battery"})
    return browser


def create(admin, **fields):
    return admin.post("/admin/promotions", data={**NEW, **fields}, headers=HTMX)


def test_an_admin_makes_a_code_and_it_is_audited(admin):
    response = create(admin, min_subtotal="25.00", max_redemptions="100", expires_on="2099-12-31")

    promo = db.session.scalar(select(PromoCode))
    assert response.status_code == 200 and "The code was created." in response.get_data(as_text=True)
    assert (promo.code, promo.percent_off, promo.min_subtotal_cents, promo.max_redemptions) == (
        "SPRING-10",
        10,
        2500,
        100,
    )
    assert promo.expires_at.strftime("%Y-%m-%d %H:%M") == "2099-12-31 23:59"
    [audit] = db.session.scalars(select(AuditEvent)).all()
    assert (audit.action, audit.actor_email, audit.subject_id) == ("promo.create", "boss@example.com", str(promo.id))


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"code": "x"}, "A code is 3 to 40 letters, digits, dashes or underscores."),
        ({"percent_off": "0"}, "A percentage is a whole number between 1 and 100."),
        ({"percent_off": "１０"}, "A percentage is a whole number between 1 and 100."),
        ({"kind": "fixed", "amount_off": "abc"}, "The amount off must be a number"),
        ({"kind": "fixed", "amount_off": "0"}, "A fixed amount is above zero."),
        ({"kind": "sideways"}, "Choose a percentage or a fixed amount."),
        ({"max_redemptions": "-3"}, "The redemption limit is a whole number from 1"),
        ({"expires_on": "2020-01-01"}, "The expiry must be in the future."),
        ({"expires_on": "tomorrow"}, "The expiry is a date such as 2027-01-31."),
    ],
)
def test_a_code_that_cannot_be_made_is_refused_with_the_reason(admin, fields, reason):
    response = create(admin, **fields)

    assert response.status_code == 422
    assert reason in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(PromoCode)) is None


def test_a_code_that_exists_is_refused(admin):
    create(admin)

    response = create(admin, code="SPRING-10")

    assert response.status_code == 422 and "The code SPRING-10 exists already." in response.get_data(as_text=True)


def test_switching_a_code_off_and_on_is_audited(admin):
    create(admin)
    promo = db.session.scalar(select(PromoCode))

    off = admin.post(f"/admin/promotions/{promo.id}/active", data={"active": "0"}, headers=HTMX)
    admin.post(f"/admin/promotions/{promo.id}/active", data={"active": "1"}, headers=HTMX)

    assert "SPRING-10 is switched off." in off.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["promo.create", "promo.deactivate", "promo.activate"]
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).is_active


def test_the_list_shows_redemptions_and_revenue_of_paid_orders(admin, shopper):
    create(admin)
    shopper.add(digital(price_cents=2000))
    order = order_paid_on(
        shopper.client.post("/checkout/", data={"source": "cart", "email": GUEST_EMAIL, "promo_code": "spring-10"})
    )
    shopper.pay(order)

    row = admin.get("/admin/promotions").get_data(as_text=True).split('id="promo-', 1)[1].split("</tr>", 1)[0]

    assert "<td>1</td>" in row and "$18.00" in row
