"""What an attacker (or a confused browser) sends that the shop must refuse with a 4xx, never a 500, changing
nothing: numbers past the database's range or spelt in other scripts, NUL bytes, control characters in `next`,
oversized bodies. Each of these answered 500 on Postgres, followed a tab into an open redirect, or read a body of
any size before."""

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from storefront.accounts.models import Role
from storefront.config import load_config
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.payments.models import WebhookEvent
from tests.factories import DEFAULT_PASSWORD, make_product, make_user
from tests.functional.checkout.support import GUEST_EMAIL, physical
from tests.functional.downloads.support import download_url, ebook, entitlements_of, logs_of

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PAST_INT32 = "2147483648"
PAST_INT64 = "99999999999999999999"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def new_browser(app):
    """Another browser, without this one's cookies: a signed link works without a session."""
    return app.test_client


@pytest.fixture
def admin(client, auth):
    auth.login(make_user(role=Role.ADMIN).email)
    return client


# Numbers in URLs and query strings


@pytest.mark.parametrize("item_id", [PAST_INT32, PAST_INT64, "%D9%A3", "%EF%BC%93"])
def test_cart_item_urls_with_impossible_ids_are_not_found(shopper, client, item_id):
    shopper.add(physical(title="Mug"))
    assert client.post(f"/cart/items/{item_id}", data={"quantity": "2"}).status_code == 404
    assert client.post(f"/cart/items/{item_id}/remove").status_code == 404


@pytest.mark.parametrize("message_id", [PAST_INT32, PAST_INT64, "%D9%A3"])
def test_admin_urls_with_impossible_ids_are_not_found(admin, message_id):
    assert admin.get(f"/admin/outbox/{message_id}").status_code == 404
    assert admin.post(f"/admin/emails/{message_id}/send-again").status_code == 404
    assert admin.post(f"/admin/renders/{message_id}/render-again").status_code == 404


@pytest.mark.parametrize("page", [PAST_INT64, "9" * 40, "-1", "%D9%A3", "abc"])
@pytest.mark.parametrize("url", ["/admin/outbox", "/admin/emails"])
def test_admin_lists_with_an_impossible_page_show_the_first(admin, url, page):
    response = admin.get(f"{url}?page={page}")
    assert response.status_code == 200


def test_buy_now_with_a_product_id_past_the_database_range_is_refused(client):
    make_product(title="Poster")
    for product_id in (PAST_INT32, PAST_INT64, "٣"):
        assert client.post("/checkout/buy-now", data={"product_id": product_id, "quantity": "1"}).status_code == 400


def test_checkout_with_a_product_id_past_the_database_range_places_nothing(client):
    for product_id in (PAST_INT32, PAST_INT64):
        data = {"source": "buy_now", "product_id": product_id, "quantity": "1", "email": GUEST_EMAIL}
        assert client.post("/checkout/", data=data).status_code == 303  # "There is nothing to check out."
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# Signed download URLs


@pytest.fixture
def signed_url(shopper, client):
    order = shopper.place(ebook())
    shopper.pay(order)
    entitlement = entitlements_of(order)[0]
    redirect = client.get(download_url(entitlement))
    assert redirect.status_code == 302
    return redirect.headers["Location"], entitlement


def test_signed_file_url_works_as_issued(client, signed_url):
    url, _entitlement = signed_url
    assert client.get(url).status_code == 200


def test_signed_file_url_respelt_in_other_digits_is_refused(new_browser, signed_url):
    """'١٧٦…' is the same number to int(), but not what we signed."""
    url, entitlement = signed_url
    path, query = url.split("?")
    params = MultiDict([pair.split("=") for pair in query.split("&")])
    respelt = params["expires"].translate(ARABIC_INDIC)
    browser = new_browser()
    response = browser.get(path, query_string={"expires": respelt, "signature": params["signature"]})
    assert response.status_code == 403
    assert len(logs_of(entitlement)) == 1  # only the authorised download that issued the link


@pytest.mark.parametrize("expires", ["²", "³⁴", "١٢", "１２", PAST_INT64 * 3, "-5", " 12", "12\n"])
def test_signed_file_url_with_a_malformed_expiry_is_refused(new_browser, signed_url, expires):
    url, _entitlement = signed_url
    path = url.split("?")[0]
    response = new_browser().get(path, query_string={"expires": expires, "signature": "0" * 64})
    assert response.status_code == 403


# NUL bytes


@pytest.mark.parametrize(
    "url",
    [
        "/checkout/complete/SF-%00",
        "/checkout/status/%00",
        "/downloads/%00",
        "/payments/dummy/%00",
        "/media/products/%00.jpg",
        "/orders/lookup?number=%00",
    ],
)
def test_nul_bytes_in_urls_are_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "The request could not be understood." in text(response)


def test_nul_bytes_in_a_form_are_refused_and_store_nothing(shopper, client):
    order = shopper.place(physical(title="Mug"))
    address = {"name": "Ada\x00", "line1": "1 Quay", "postal_code": "1", "city": "Town", "country": "GB"}
    response = client.post(f"/payments/dummy/{order.gateway_session_id}", data={"action": "pay", **address})
    assert response.status_code == 400
    db.session.refresh(order)
    assert order.status == "pending"


def test_nul_bytes_in_an_order_lookup_are_refused(client):
    response = client.post("/orders/lookup", data={"number": "SF-\x00", "email": GUEST_EMAIL})
    assert response.status_code == 400


def test_a_mangled_cart_cookie_is_treated_as_no_cart(client):
    make_product(title="Poster")
    client.set_cookie("sf_cart", "x" * 500)
    assert client.get("/cart/").status_code == 200
    assert "Your cart is empty." in text(client.get("/cart/"))


# Control characters in `next`


@pytest.mark.parametrize(
    "target", ["/%09/evil.example", "/%0A/evil.example", "/%0D%0ALocation:%20x", "/%7F", "/%C2%85"]
)
def test_login_next_with_control_characters_goes_home(client, target):
    user = make_user()
    response = client.post(f"/account/login?next={target}", data={"email": user.email, "password": "x"})
    assert response.status_code == 422  # wrong password: the form again
    response = client.post(f"/account/login?next={target}", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/evil.example", "/\x0b", "/\x85"])
def test_add_to_cart_next_with_control_characters_goes_to_the_cart(client, target):
    poster = make_product(title="Poster")
    response = client.post("/cart/add", data={"product_id": poster.id, "quantity": "1", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/cart/"


def test_a_plain_next_still_works(client):
    poster = make_product(title="Poster")
    response = client.post("/cart/add", data={"product_id": poster.id, "quantity": "1", "next": "/?q=two words"})
    assert response.headers["Location"] == "/?q=two%20words"


# Body size


def test_max_content_length_defaults_to_16_mib_and_is_a_setting():
    assert load_config({})["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    assert load_config({"MAX_CONTENT_LENGTH": "1048576"})["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_a_body_over_the_limit_gets_a_clear_413_and_stores_nothing(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    poster = make_product(title="Poster")
    data = {"product_id": poster.id, "quantity": "1", "personalisation[Name]": "x" * (100 * 1024)}
    response = client.post("/cart/add", data=data)
    assert response.status_code == 413
    assert "larger than we accept (at most 64 KiB)" in text(response)
    assert "Your cart is empty." in text(client.get("/cart/"))


@pytest.fixture
def webhook(app):
    app.config["STRIPE_WEBHOOK_SECRET"] = "whsec_test"
    return "/payments/stripe/webhook"


def webhook_events():
    return db.session.scalar(select(func.count()).select_from(WebhookEvent))


def test_an_oversized_webhook_is_refused_before_it_is_read(client, webhook):
    body = b'{"id": "evt_1", "padding": "' + b"x" * (300 * 1024) + b'"}'
    response = client.post(webhook, data=body, content_type="application/json", headers={"Stripe-Signature": "t=1"})
    assert response.status_code == 413
    assert webhook_events() == 0


def test_an_oversized_chunked_webhook_stops_at_the_limit(client, webhook):
    """A chunked body has no Content-Length to check first: reading stops at the cap (gunicorn marks such bodies
    as terminated, as the environ override does here)."""
    body = b"x" * (300 * 1024)
    response = client.post(
        webhook,
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Stripe-Signature": "t=1", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert webhook_events() == 0


def test_a_normal_sized_bad_webhook_is_still_a_400(client, webhook):
    response = client.post(webhook, data=b"{}", content_type="application/json", headers={"Stripe-Signature": "t=1"})
    assert response.status_code == 400
