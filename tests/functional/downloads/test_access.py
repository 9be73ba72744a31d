"""Who may download: the order's owner when logged in, the browser session that placed the order or looked it up
with its number and email, and admins. Everyone else gets 404, exactly as for a link that does not exist."""

from dataclasses import dataclass

import pytest

from storefront.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import GUEST_EMAIL, Shopper
from tests.functional.downloads.support import ebook, entitlements_of


@dataclass
class Orders:
    """A guest's order (placed in `guest_browser`) and an order placed by `owner` while logged in."""

    guest: object
    guest_browser: object
    owned: object
    owner: object


@pytest.fixture
def orders(app):
    guest = Shopper(app.test_client())
    guest_order = guest.place(ebook("Harbour Birds"))
    guest.pay(guest_order)
    owner = make_user("owner@example.com")
    account = Shopper(app.test_client())
    account.log_in(owner)
    owned_order = account.place(ebook("Coast Atlas"), email=owner.email)
    account.pay(owned_order)
    return Orders(guest_order, guest.client, owned_order, owner)


def logged_in(app, email, role=Role.CUSTOMER):
    make_user(email, role=role)
    browser = app.test_client()
    assert browser.post("/account/login", data={"email": email, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


def owner_logged_in_elsewhere(app, orders):
    browser = app.test_client()
    browser.post("/account/login", data={"email": orders.owner.email, "password": DEFAULT_PASSWORD})
    return browser, orders.owned


def guest_browser_that_placed_it(_app, orders):
    return orders.guest_browser, orders.guest


def lookup(app, orders, email):
    browser = app.test_client()
    browser.post("/orders/lookup", data={"number": orders.guest.number, "email": email})
    return browser, orders.guest


def guest_who_looked_it_up(app, orders):
    return lookup(app, orders, GUEST_EMAIL.upper())


def guest_with_the_wrong_email(app, orders):
    return lookup(app, orders, "someone.else@example.com")


def other_shopper_logged_in(app, orders):
    return logged_in(app, "other@example.com"), orders.owned


def other_shopper_and_the_guest_order(app, orders):
    return logged_in(app, "nosy@example.com"), orders.guest


def anonymous_new_browser(app, orders):
    return app.test_client(), orders.guest


def admin(app, orders):
    return logged_in(app, "admin@example.com", Role.ADMIN), orders.guest


VISITORS = [
    (owner_logged_in_elsewhere, True),
    (guest_browser_that_placed_it, True),
    (guest_who_looked_it_up, True),
    (admin, True),
    (guest_with_the_wrong_email, False),
    (other_shopper_logged_in, False),
    (other_shopper_and_the_guest_order, False),
    (anonymous_new_browser, False),
]


def get_download(browser, token):
    return browser.get(f"/downloads/{token}")


def post_fresh_link(browser, token):
    return browser.post(f"/downloads/{token}/fresh-link")


@pytest.mark.parametrize(("request_", "allowed_status"), [(get_download, 302), (post_fresh_link, 303)])
@pytest.mark.parametrize(("visitor", "allowed"), VISITORS, ids=[visitor.__name__ for visitor, _ in VISITORS])
def test_only_the_owner_the_ordering_session_and_admins_may_download(
    app, orders, visitor, allowed, request_, allowed_status
):
    browser, order = visitor(app, orders)
    [entitlement] = entitlements_of(order)
    token = entitlement.token

    response = request_(browser, token)

    assert response.status_code == (allowed_status if allowed else 404)
    [after] = entitlements_of(order)
    # An allowed request either counted a download or minted a fresh link; a refused one changed nothing.
    changes = after.download_count + (after.token != token)
    assert changes == (1 if allowed else 0)


def test_ids_and_made_up_tokens_find_nothing_even_for_an_admin(app, orders):
    browser, _ = admin(app, orders)
    [entitlement] = entitlements_of(orders.guest)

    for guess in (str(entitlement.id), str(entitlement.order_item_id), entitlement.token[:-1] + "x", "x" * 200):
        assert browser.get(f"/downloads/{guess}").status_code == 404
