"""Logged-in shoppers save products with a heart on the product page and on catalogue cards (htmx swaps the heart;
without JavaScript the form posts and redirects back), see them at /account/wishlist, move them to the cart or
remove them. A guest's heart leads to the login page and back to the product, where the heart is then ready to
press (nothing is saved on their behalf). Every change needs the CSRF token; nobody touches another's list."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from storefront.cart.models import Cart, CartItem
from storefront.extensions import db
from storefront.wishlist.models import WishlistItem
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import digital, physical

HTMX = {"HX-Request": "true"}


def text(response):
    return unescape(response.get_data(as_text=True))


def saved_titles(user):
    db.session.expire_all()
    query = select(WishlistItem).where(WishlistItem.user_id == user.id).order_by(WishlistItem.id)
    return [item.product.title for item in db.session.scalars(query)]


@pytest.fixture
def ada(app):
    return make_user("ada@example.com")


@pytest.fixture
def browser(client, ada):
    assert client.post("/account/login", data={"email": ada.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def test_the_heart_saves_and_forgets_with_htmx(browser, ada):
    product = digital(title="Tide Tables")

    saved = browser.post(f"/wishlist/{product.id}", headers=HTMX)

    assert saved.status_code == 200
    assert 'aria-pressed="true"' in text(saved) and "<html" not in text(saved)
    assert saved_titles(ada) == ["Tide Tables"]

    forgotten = browser.post(f"/wishlist/{product.id}", headers=HTMX)

    assert 'aria-pressed="false"' in text(forgotten)
    assert saved_titles(ada) == []


def test_without_javascript_the_heart_posts_and_comes_back(browser, ada):
    product = digital(title="Tide Tables")

    response = browser.post(f"/wishlist/{product.id}", data={"next": "/?q=tide"})

    assert response.status_code == 303 and response.headers["Location"] == "/?q=tide"
    assert saved_titles(ada) == ["Tide Tables"]
    page = text(browser.get(f"/products/{product.slug}"))
    assert 'aria-pressed="true"' in page and "Saved" in page


def test_an_outside_next_is_ignored(browser, ada):
    product = digital()

    response = browser.post(f"/wishlist/{product.id}", data={"next": "https://evil.example/"})

    assert response.headers["Location"] == f"/products/{product.slug}"


def test_catalogue_cards_show_each_products_heart(browser, ada):
    saved, other = digital(title="Saved One"), digital(title="Other One")
    browser.post(f"/wishlist/{saved.id}")

    page = text(browser.get("/"))

    assert page.count('class="wishlist-heart"') == 2
    assert page.count('aria-pressed="true"') == 1 and page.count('aria-pressed="false"') == 1
    assert f'action="/wishlist/{saved.id}"' in page and f'action="/wishlist/{other.id}"' in page


def test_a_guest_is_sent_to_log_in_and_comes_back_to_the_product(app, client, ada):
    product = digital(title="Tide Tables")
    product_url = f"/products/{product.slug}"

    page = text(client.get(product_url))
    assert "Log in to save" in page and f"/account/login?next={product_url}" in page
    posted = client.post(f"/wishlist/{product.id}")
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/account/login?next=")
    with_htmx = client.post(f"/wishlist/{product.id}", headers=HTMX)
    assert with_htmx.headers["HX-Redirect"] == posted.headers["Location"]

    login = client.post(posted.headers["Location"], data={"email": ada.email, "password": DEFAULT_PASSWORD})

    assert login.headers["Location"] == product_url
    back = text(client.get(product_url))
    assert 'aria-pressed="false"' in back, "the heart is ready to press"
    assert saved_titles(ada) == []


def test_the_list_page_shows_saved_products_newest_first(browser, ada):
    first, second = digital(title="First Pick"), physical(title="Second Pick", stock=0)
    browser.post(f"/wishlist/{first.id}")
    browser.post(f"/wishlist/{second.id}")

    page = text(browser.get("/account/wishlist"))

    assert page.index("Second Pick") < page.index("First Pick")
    assert "Out of stock" in page


def test_moving_to_the_cart_adds_it_and_takes_it_off_the_list(browser, ada):
    product = physical(title="Brass Compass", stock=3)
    browser.post(f"/wishlist/{product.id}")

    response = browser.post(f"/account/wishlist/{product.id}/cart", headers=HTMX)

    assert response.status_code == 200
    assert "Moved Brass Compass to your cart." in text(response)
    assert 'id="cart-link" href="/cart/" hx-swap-oob="true"' in text(response)
    cart = db.session.scalar(select(Cart).where(Cart.user_id == ada.id))
    assert [item.product_id for item in db.session.scalars(select(CartItem).where(CartItem.cart_id == cart.id))] == [
        product.id
    ]
    assert saved_titles(ada) == []


def test_moving_without_javascript_redirects_to_the_list(browser, ada):
    product = physical(title="Brass Compass", stock=3)
    browser.post(f"/wishlist/{product.id}")

    response = browser.post(f"/account/wishlist/{product.id}/cart")

    assert response.status_code == 303 and response.headers["Location"] == "/account/wishlist"
    assert "Brass Compass" in text(browser.get("/cart/"))


def test_a_refused_move_says_why_and_keeps_the_item(browser, ada):
    product = physical(title="Brass Compass", stock=1)
    browser.post(f"/wishlist/{product.id}")
    product.stock = 0
    db.session.commit()

    response = browser.post(f"/account/wishlist/{product.id}/cart", headers=HTMX)

    assert response.status_code == 422
    assert "Brass Compass is out of stock." in text(response)
    assert saved_titles(ada) == ["Brass Compass"]


def test_removing_takes_it_off_the_list(browser, ada):
    product = digital(title="Tide Tables")
    browser.post(f"/wishlist/{product.id}")

    response = browser.post(f"/account/wishlist/{product.id}/remove")

    assert response.status_code == 303
    assert saved_titles(ada) == []
    assert "Nothing saved yet" in text(browser.get("/account/wishlist"))


def test_one_shopper_cannot_touch_anothers_list(app, browser, ada):
    product = digital(title="Tide Tables")
    browser.post(f"/wishlist/{product.id}")
    grace = make_user("grace@example.com")
    other = app.test_client()
    other.post("/account/login", data={"email": grace.email, "password": DEFAULT_PASSWORD})

    assert "Tide Tables" not in text(other.get("/account/wishlist"))
    other.post(f"/account/wishlist/{product.id}/remove")
    other.post(f"/account/wishlist/{product.id}/cart")

    assert saved_titles(ada) == ["Tide Tables"]


def test_unpublished_or_unknown_products_cannot_be_saved(browser):
    hidden = digital(published=False)

    assert browser.post(f"/wishlist/{hidden.id}").status_code == 404
    assert browser.post("/wishlist/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/account/wishlist"), ("POST", "/account/wishlist/{id}/remove"), ("POST", "/account/wishlist/{id}/cart")],
)
def test_the_list_needs_a_login(client, method, url):
    product = digital()

    response = client.open(url.format(id=product.id), method=method)

    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/wishlist/{id}", "/account/wishlist/{id}/remove", "/account/wishlist/{id}/cart"])
def test_every_change_needs_the_csrf_token(app, ada, url):
    product = physical(stock=3)
    browser = app.test_client()
    browser.post("/account/login", data={"email": ada.email, "password": DEFAULT_PASSWORD})
    browser.post(f"/wishlist/{product.id}")
    app.config["WTF_CSRF_ENABLED"] = True
    page = browser.get("/account/wishlist").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)

    refused = browser.post(url.format(id=product.id), headers=HTMX)
    kept = saved_titles(ada)
    accepted = browser.post(url.format(id=product.id), headers={**HTMX, "X-CSRFToken": token})

    assert refused.status_code == 400 and kept == [product.title]
    assert accepted.status_code == 200
    assert saved_titles(ada) == []
