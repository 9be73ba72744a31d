"""Accepting the terms: at sign-up (with the privacy policy), again before the next checkout once new terms are
published, and implicitly by a guest placing an order. Every acceptance is recorded."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.legal.models import LegalAcceptance
from storefront.legal.services import accept_registration_documents
from storefront.orders.models import Order
from tests.factories import make_user
from tests.functional.account.support import logged_in
from tests.functional.checkout.support import Shopper, digital, order_paid_on, page_text
from tests.functional.legal.support import acceptances_of, publish_defaults, publish_terms

CHECKOUT = "/checkout/"
ACCEPT = "/legal/terms/accept"


def _orders():
    return db.session.scalar(select(func.count()).select_from(Order))


def _shopper_who_accepted_version_1(app):
    publish_defaults()
    user = make_user("ada@example.com")
    accept_registration_documents(user)
    db.session.commit()
    return user, logged_in(app, user)


def _sent_to_accept(response, next_page):
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == ACCEPT
    assert parse_qs(location.query)["next"] == [next_page]


def test_signing_up_records_acceptance_of_the_current_terms_and_privacy_policy(client):
    publish_defaults()
    publish_terms("## Terms, second edition")

    response = client.post(
        "/account/register",
        data={
            "email": "new@example.com",
            "password": "plover estuary lantern",
            "confirm": "plover estuary lantern",
            "accept_terms": "y",
        },
    )

    assert response.status_code == 303
    user = db.session.scalar(select(LegalAcceptance.user_id).limit(1))
    rows = db.session.scalars(select(LegalAcceptance).where(LegalAcceptance.user_id == user)).all()
    assert sorted((r.version.document, r.version.number, r.context) for r in rows) == [
        ("privacy", 1, "registration"),
        ("terms", 2, "registration"),
    ]
    assert all(r.accepted_at is not None for r in rows)


def test_new_terms_are_accepted_before_the_next_checkout_which_then_proceeds(app):
    user, shopper = _shopper_who_accepted_version_1(app)
    publish_terms("## Terms, second edition\n\nNew rules for digital files.")
    shopper.add(digital())

    _sent_to_accept(shopper.client.get(CHECKOUT), CHECKOUT)
    _sent_to_accept(shopper.check_out(email=None), CHECKOUT)  # posting the form directly is stopped too
    assert _orders() == 0

    page = shopper.client.get(f"{ACCEPT}?next={CHECKOUT}")
    text = page_text(page)
    assert page.status_code == 200
    assert "Our terms have changed" in text and 'href="/legal/terms"' in text and "version 2" in text
    refused = shopper.client.post(f"{ACCEPT}?next={CHECKOUT}", data={"version": 2})
    assert refused.status_code == 422 and "Accept the terms to continue to checkout." in page_text(refused)
    assert acceptances_of(user) == [("terms", 1, "registration"), ("privacy", 1, "registration")]

    accepted = shopper.client.post(f"{ACCEPT}?next={CHECKOUT}", data={"version": 2, "accept": "y"})

    assert accepted.status_code == 303 and accepted.headers["Location"] == CHECKOUT
    assert acceptances_of(user)[-1] == ("terms", 2, "reacceptance")
    assert db.session.get(type(user), user.id).terms_version == "2"
    assert shopper.client.get(CHECKOUT).status_code == 200
    order = order_paid_on(shopper.check_out(email=None))
    assert order.user_id == user.id


def test_accepting_terms_older_than_the_current_ones_is_refused(app):
    user, shopper = _shopper_who_accepted_version_1(app)
    publish_terms("## Second edition")
    publish_terms("## Third edition")

    response = shopper.client.post(ACCEPT, data={"version": 2, "accept": "y"})

    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == ACCEPT
    assert [row for row in acceptances_of(user) if row[2] == "reacceptance"] == []
    assert "The terms changed while you were reading them." in page_text(shopper.client.get(ACCEPT))


def test_buy_now_with_old_terms_returns_to_the_product_page_after_accepting(app):
    _user, shopper = _shopper_who_accepted_version_1(app)
    publish_terms("## Second edition")
    product = digital()

    response = shopper.client.post(
        "/checkout/buy-now",
        data={"product_id": product.id, "quantity": 1},
        headers={"Referer": f"http://localhost/products/{product.slug}"},
    )

    _sent_to_accept(response, f"/products/{product.slug}")


def test_a_shopper_who_accepted_the_current_terms_checks_out_without_a_detour(app):
    _user, shopper = _shopper_who_accepted_version_1(app)
    shopper.add(digital())

    assert shopper.client.get(CHECKOUT).status_code == 200
    assert shopper.client.get(ACCEPT).headers["Location"] == CHECKOUT


def test_the_acceptance_page_is_for_logged_in_shoppers(client):
    publish_defaults()

    response = client.get(ACCEPT)

    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/account/login"


def test_a_guest_checks_out_as_before_and_the_terms_shown_are_recorded_for_their_email(app, client):
    publish_defaults()
    publish_terms("## Second edition")
    shopper = Shopper(client)
    shopper.add(digital())

    review = page_text(client.get(CHECKOUT))
    order = order_paid_on(shopper.check_out("guest@example.com"))

    assert 'href="/legal/terms"' in review and "By placing your order you accept our" in review
    [consent] = db.session.scalars(select(LegalAcceptance)).all()
    assert (consent.email, consent.order_id, consent.user_id) == ("guest@example.com", order.id, None)
    assert (consent.version.document, consent.version.number, consent.context) == ("terms", 2, "guest_checkout")
