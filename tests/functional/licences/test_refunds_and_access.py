"""A refund takes keys back: every key after a full refund, and a per-item refund revokes as many of that item's
keys as units refunded (the newest first), leaving other items alone. Only the buyer sees the keys: the order page
answers 404 to anyone else, and the library lists only the account's own orders."""

import pytest

from storefront.accounts.models import Role
from storefront.refunds.services import Actor, RefundRequest, issue_refund
from tests.factories import make_user
from tests.functional.checkout.support import Shopper, page_text
from tests.functional.licences.support import buy, keys_of, licensed, order_page, refill


@pytest.fixture
def boss(app):
    user = make_user("boss@example.com", role=Role.ADMIN)
    return Actor(user.id, user.email)


def check(client, key):
    return client.get(f"/api/licences/{key}")


def test_a_full_refund_revokes_every_key_of_the_order(client, shopper, boss):
    order = buy(shopper, licensed("generated", title="Synth"), quantity=3)
    keys = [key.key for key in keys_of(order)]

    issue_refund(order.id, RefundRequest(mode="full", reason="Changed mind"), boss, "refund-all")

    assert all(key.revoked_at is not None for key in keys_of(order))
    assert {check(client, key).get_json()["status"] for key in keys} == {"revoked"}
    page = page_text(order_page(shopper.client, order))
    assert page.count("Revoked (refunded)") == 3


def test_refunding_units_of_one_item_revokes_that_many_of_its_keys_only(client, shopper, boss):
    synth, drums = licensed("generated", title="Synth"), licensed("generated", title="Drums")
    shopper.add(drums, 1)
    order = buy(shopper, synth, quantity=3)
    synth_item = next(item for item in order.items if item.product_id == synth.id)

    request = RefundRequest(mode="items", reason="Two seats too many", quantities={synth_item.id: 2})
    issue_refund(order.id, request, boss, "refund-two-seats")

    keys = keys_of(order)
    revoked = [key for key in keys if key.revoked_at is not None]
    assert [(key.order_item_id, key.unit) for key in revoked] == [(synth_item.id, 2), (synth_item.id, 3)]
    live = [key for key in keys if key.revoked_at is None]
    assert len(live) == 2 and {key.product_id for key in live} == {synth.id, drums.id}
    assert check(client, live[0].key).get_json()["status"] == "valid"
    assert check(client, revoked[0].key).get_json()["status"] == "revoked"


def test_a_refunded_pending_unit_is_not_issued_when_the_pool_is_refilled(shopper, boss):
    product = licensed("pool", keys=["ONE"])
    order = buy(shopper, product, quantity=2)
    item = order.items[0]
    issue_refund(order.id, RefundRequest(mode="items", reason="-", quantities={item.id: 1}), boss, "refund-pending")

    added, issued = refill(product, ["TWO"])

    assert (added, issued) == (1, 0)
    assert [key.key for key in keys_of(order, live_only=True)] == ["ONE"]


def test_another_shopper_cannot_see_the_keys(app, shopper):
    order = buy(shopper, licensed("generated"), quantity=1)
    key = keys_of(order)[0].key
    stranger = make_user("stranger@example.com")
    other = Shopper(app.test_client())
    other.log_in(stranger)

    assert key in page_text(order_page(shopper.client, order))
    response = order_page(other.client, order)
    assert response.status_code == 404 and key not in page_text(response)
    assert key not in page_text(other.client.get("/account/library"))
    assert order_page(app.test_client(), order).status_code == 404


def test_the_library_lists_the_accounts_keys(app):
    buyer = make_user("buyer@example.com")
    shopper = Shopper(app.test_client())
    shopper.log_in(buyer)
    order = buy(shopper, licensed("generated", title="Reverb"), quantity=2, email=buyer.email)

    library = page_text(shopper.client.get("/account/library"))

    assert "Your licence keys" in library
    assert all(key.key in library for key in keys_of(order))


def test_the_admin_order_panel_lists_the_keys_live_revoked_and_pending(app, shopper, boss):
    order = buy(shopper, licensed("pool", keys=["POOL-ONLY-ONE"], title="Synth"), quantity=2)
    admin = Shopper(app.test_client())
    assert admin.log_in(make_user("panel@example.com", role=Role.ADMIN)).status_code == 302

    page = page_text(admin.client.get(f"/admin/orders/{order.number}"))

    assert "Licence keys" in page and "POOL-ONLY-ONE" in page
    assert "Key pending: the pool is empty" in page
