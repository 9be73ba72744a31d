"""A guest's cart follows them into their account; the account's cart stays with the account."""

import re

from storefront.catalog.models import ProductKind
from storefront.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_product, make_user
from tests.functional.cart.helpers import active_carts, all_carts, cart_for, header_count, lines, text
from tests.functional.checkout.support import emails_to


def mug(stock=4, title="Harbour Mug"):
    return make_product(title=title, kind=ProductKind.PHYSICAL, stock=stock)


def the_cart_of(user):
    (cart,) = [cart for cart in active_carts() if cart.user_id == user.id]
    return cart


def cookie_deleted(response):
    return any(
        cookie.startswith("sf_cart=;") and "Max-Age=0" in cookie for cookie in response.headers.getlist("Set-Cookie")
    )


def test_shopper_logging_in_finds_the_guest_items_in_their_cart(client, auth, shopper):
    user = make_user()
    shopper.add(make_product(title="Sunrise Poster"))
    shopper.add(mug(), 2)

    response = auth.login(user.email)

    assert response.status_code == 302
    assert cookie_deleted(response)
    assert [cart.user_id for cart in all_carts()] == [user.id], "the guest cart is gone"
    assert lines(the_cart_of(user)) == {"Sunrise Poster": 1, "Harbour Mug": 2}
    assert header_count(client.get("/cart/")) == 3


def test_merging_combines_quantities_within_stock_and_keeps_downloads_single(auth, shopper):
    user = make_user()
    poster, harbour, lamp, book = make_product(title="Poster"), mug(stock=4), mug(stock=9, title="Lamp"), make_product()
    cart_for(user, (poster, 1), (harbour, 2), (lamp, 1))
    shopper.add(poster)
    shopper.add(harbour, 3)
    shopper.add(lamp, 2)
    shopper.add(book)

    auth.login(user.email)

    assert lines(the_cart_of(user)) == {"Poster": 1, "Harbour Mug": 4, "Lamp": 3, book.title: 1}
    assert len(all_carts()) == 1


def test_merging_caps_a_guest_line_whose_stock_fell_since_adding(auth, shopper):
    user = make_user()
    harbour = mug(stock=4)
    shopper.add(harbour, 3)
    harbour.stock = 2
    db.session.commit()

    auth.login(user.email)

    assert lines(the_cart_of(user)) == {"Harbour Mug": 2}


def test_shopper_registering_keeps_the_guest_items(client, shopper):
    shopper.add(make_product(title="Sunrise Poster"))

    response = client.post(
        "/account/register",
        data={
            "email": "new@example.com",
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
            "accept_terms": "y",
        },
    )
    # Signing up does not log in (the answer must not reveal whether the email was new); confirming the address does.
    assert response.status_code == 303, text(response)
    assert header_count(client.get("/cart/")) == 1
    [welcome] = emails_to("new@example.com")
    code = re.search(r"/account/confirm#(\S+)", welcome.text_body).group(1)
    response = client.post("/account/confirm", data={"code": code, "password": DEFAULT_PASSWORD})

    assert cookie_deleted(response)
    (cart,) = all_carts()
    assert cart.user_id is not None and lines(cart) == {"Sunrise Poster": 1}


def test_logging_out_leaves_the_cart_with_the_account(client, auth, shopper):
    user = make_user()
    auth.login(user.email)
    shopper.add(make_product(title="Sunrise Poster"))

    auth.logout()

    page = client.get("/cart/")
    assert "Your cart is empty." in text(page) and header_count(page) == 0
    assert lines(the_cart_of(user)) == {"Sunrise Poster": 1}
    auth.login(user.email)
    assert header_count(client.get("/cart/")) == 1


def test_logging_in_without_a_guest_cart_leaves_the_account_cart_alone(client, auth):
    user = make_user()
    cart_for(user, (make_product(title="Sunrise Poster"), 1))

    response = auth.login(user.email)

    assert not any(cookie.startswith("sf_cart=") for cookie in response.headers.getlist("Set-Cookie"))
    assert lines(the_cart_of(user)) == {"Sunrise Poster": 1}


def test_a_failed_login_leaves_the_guest_cart_with_the_guest(client, auth, shopper):
    user = make_user()
    shopper.add(make_product(title="Sunrise Poster"))

    response = auth.login(user.email, "wrong password")

    assert response.status_code == 422
    (cart,) = all_carts()
    assert cart.user_id is None
    assert header_count(client.get("/cart/")) == 1


def test_one_account_keeps_one_cart_across_two_browsers(app, auth, shopper):
    user = make_user()
    cart_for(user, (mug(), 1))
    auth.login(user.email)

    shopper.add(make_product(title="Sunrise Poster"))

    assert lines(the_cart_of(user)) == {"Harbour Mug": 1, "Sunrise Poster": 1}
