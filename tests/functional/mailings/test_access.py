"""Who may use the new URLs: the admin's "email buyers" button is for admins only; the unsubscribe page and the
cart's restore page are public (the signed token is the key); every state change needs the page's CSRF token,
except a mail client's RFC 8058 one-click unsubscribe."""

import re

import pytest
from sqlalchemy import select

from storefront.mail.models import EmailDelivery
from storefront.mailings.models import MailingOptOut
from storefront.mailings.preferences import CART_REMINDERS, FILE_UPDATES, unsubscribe_token
from tests.factories import make_user
from tests.functional.checkout.support import Shopper
from tests.functional.downloads.support import ebook
from tests.functional.mailings.support import ONE_CLICK, admin_browser, replace, text


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def page_token(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(url))).group(1)


def notify_url(product):
    return f"/admin/products/{product.id}/files/{product.files[0].id}/notify"


def opt_outs():
    return [(row.email, row.mailing) for row in db_rows(MailingOptOut)]


def db_rows(model):
    from storefront.extensions import db

    db.session.expire_all()
    return db.session.scalars(select(model)).all()


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_only_admins_may_email_buyers(app, who):
    product = ebook()
    browser = app.test_client()
    if who == "customer":
        Shopper(browser).log_in(make_user("someone@example.com"))
    response = browser.post(notify_url(product))
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/account/login" in response.headers["Location"]
    assert db_rows(EmailDelivery) == []


def test_the_admin_button_needs_the_csrf_token(app):
    product = ebook()
    admin = admin_browser(app)
    replace(admin, product.files[0])
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(notify_url(product)).status_code == 400
    token = page_token(admin, f"/admin/products/{product.id}")
    assert admin.post(notify_url(product), data={"csrf_token": token}).status_code == 200


def test_unsubscribe_page_post_needs_the_csrf_token_but_one_click_does_not(app, csrf_on):
    url = f"/mail/unsubscribe/{unsubscribe_token('Ann@Example.com', FILE_UPDATES)}"
    visitor = app.test_client()
    assert visitor.post(url).status_code == 400
    assert opt_outs() == []
    assert visitor.post(url, data={"csrf_token": page_token(visitor, url)}).status_code == 200
    assert opt_outs() == [("ann@example.com", FILE_UPDATES)]

    other = f"/mail/unsubscribe/{unsubscribe_token('ann@example.com', CART_REMINDERS)}"
    assert app.test_client().post(other, data=ONE_CLICK).status_code == 200
    assert sorted(opt_outs()) == [("ann@example.com", CART_REMINDERS), ("ann@example.com", FILE_UPDATES)]


def test_a_forged_unsubscribe_token_is_a_404(client):
    forged = unsubscribe_token("ann@example.com", FILE_UPDATES)[:-3] + "abc"
    assert client.get(f"/mail/unsubscribe/{forged}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{forged}", data=ONE_CLICK).status_code == 404
    assert opt_outs() == []


def test_cart_reminder_and_restore_need_the_csrf_token(app, csrf_on):
    shopper = Shopper(app.test_client())
    book = ebook()
    token = page_token(shopper.client, f"/products/{book.slug}")
    shopper.client.post("/cart/add", data={"product_id": book.id, "quantity": 1, "csrf_token": token})
    assert shopper.client.post("/cart/reminder", data={"email": "a@example.com", "remind": "y"}).status_code == 400
    assert "We will remind you" not in text(shopper.client.get("/cart/"))
    token = page_token(shopper.client, "/cart/")
    form = {"email": "a@example.com", "remind": "y", "csrf_token": token}
    assert shopper.client.post("/cart/reminder", data=form).status_code == 303
    assert "We will remind you" in text(shopper.client.get("/cart/"))
