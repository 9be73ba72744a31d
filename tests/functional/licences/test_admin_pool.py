"""An admin chooses how a product issues keys and pastes or uploads keys into its pool on the product page. A list
holding a key twice, or a key already known, is refused with a message and adds nothing. A pool below
LICENCE_POOL_LOW_THRESHOLD is flagged on the product page and the dashboard. Only admins reach any of it."""

import io
from html import unescape

import pytest
from sqlalchemy import func, select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.extensions import db
from storefront.licences.models import LicenceKey
from storefront.licences.services import policy_mode
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import digital
from tests.functional.licences.support import ADMIN, buy, keys_of, licensed

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(app):
    make_user(ADMIN, role=Role.ADMIN)
    browser = app.test_client()
    assert browser.post("/account/login", data={"email": ADMIN, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


def text(response):
    return unescape(response.get_data(as_text=True))


def pool_count(product):
    query = select(func.count()).where(LicenceKey.product_id == product.id, LicenceKey.order_item_id.is_(None))
    return db.session.scalar(query)


def add_keys(admin, product, keys="", file=None):
    data = {"keys": keys}
    if file is not None:
        data["keys_file"] = (io.BytesIO(file), "keys.txt")
    return admin.post(f"/admin/products/{product.id}/licences/pool", data=data, headers=HTMX)


def test_the_admin_sets_the_policy_and_it_is_audited(admin):
    product = digital()

    response = admin.post(f"/admin/products/{product.id}/licences/policy", data={"mode": "pool"}, headers=HTMX)

    assert response.status_code == 200
    assert "Draw a key per unit from an uploaded pool" in text(response)
    assert policy_mode(product.id) == "pool"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "product.licence_policy"))


def test_an_unknown_policy_is_refused(admin):
    product = digital()

    response = admin.post(f"/admin/products/{product.id}/licences/policy", data={"mode": "magic"}, headers=HTMX)

    assert response.status_code == 422
    assert "Choose how licence keys are issued" in text(response)
    assert policy_mode(product.id) == "none"


def test_pasted_and_uploaded_keys_fill_the_pool(admin):
    product = licensed("pool")

    response = add_keys(admin, product, keys="KEY-A\n\n  KEY-B  \n", file=b"\xef\xbb\xbfKEY-C\r\nKEY-D\r\n")

    assert response.status_code == 200
    assert "Added 4 keys to the pool." in text(response)
    assert pool_count(product) == 4


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("KEY-A\nKEY-B\nKEY-A", "holds “KEY-A” more than once"),
        ("KEY-OLD\nKEY-NEW", "Already in a pool or issued: “KEY-OLD”"),
        ("has space", "without spaces"),
        ("\n\n", "at least one key"),
    ],
)
def test_a_bad_list_is_refused_with_a_message_and_adds_nothing(admin, keys, message):
    product = licensed("pool", keys=["KEY-OLD"])

    response = add_keys(admin, product, keys=keys)

    assert response.status_code == 422
    assert message in text(response)
    assert pool_count(product) == 1


def test_a_key_issued_to_an_order_cannot_be_uploaded_again(admin, shopper):
    product = licensed("generated")
    issued = keys_of(buy(shopper, product))[0].key
    other = licensed("pool")

    response = add_keys(admin, other, keys=issued)

    assert response.status_code == 422 and issued in text(response)
    assert pool_count(other) == 0


def test_a_binary_file_is_refused(admin):
    product = licensed("pool")

    response = add_keys(admin, product, file=b"\xff\xfe\x00garbage")

    assert response.status_code == 422 and "not a text file" in text(response)


def test_a_low_pool_warns_on_the_product_page_and_the_dashboard(app, admin):
    app.config["LICENCE_POOL_LOW_THRESHOLD"] = 3
    low = licensed("pool", keys=["L-1", "L-2"], title="Low Plugin")
    licensed("pool", keys=["F-1", "F-2", "F-3"], title="Full Plugin")

    editor = text(admin.get(f"/admin/products/{low.id}"))
    dashboard = text(admin.get("/admin/"))

    assert "Pool running low: 2 keys left" in editor
    assert "Licence-key pools running low" in dashboard
    assert "Low Plugin</a>: 2 keys left" in dashboard and "Full Plugin" not in dashboard


def test_the_product_page_counts_units_waiting_for_a_key(admin, shopper):
    product = licensed("pool", keys=["ONLY"])
    buy(shopper, product, quantity=3)

    editor = text(admin.get(f"/admin/products/{product.id}"))

    assert "2 units of paid orders wait for a key" in editor
    assert "0 keys left" in editor


def test_refilling_from_the_page_issues_the_waiting_keys(admin, shopper):
    product = licensed("pool")
    order = buy(shopper, product, quantity=2)

    response = add_keys(admin, product, keys="R-1\nR-2\nR-3")

    assert "2 went to orders that were waiting" in text(response)
    assert [key.key for key in keys_of(order)] == ["R-1", "R-2"]


@pytest.mark.parametrize("path", ["licences/policy", "licences/pool"])
@pytest.mark.parametrize("who", ["anonymous", "shopper"])
def test_only_admins_change_licence_keys(app, path, who):
    product = licensed("pool")
    browser = app.test_client()
    if who == "shopper":
        make_user("shopper@example.com")
        browser.post("/account/login", data={"email": "shopper@example.com", "password": DEFAULT_PASSWORD})

    response = browser.post(f"/admin/products/{product.id}/{path}", data={"mode": "none", "keys": "X-1"})

    assert response.status_code in (302, 403, 404)
    assert pool_count(product) == 0 and policy_mode(product.id) == "pool"
