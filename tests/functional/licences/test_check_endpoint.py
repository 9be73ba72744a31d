"""The creator's software checks a key at /api/licences/<key> (GET or POST, no CSRF token): valid or revoked with
the product's slug, 404 for a key never issued, nothing about the buyer, and throttled per address."""

from storefront import create_app
from storefront.licences.views import CHECK_LIMIT
from tests.conftest import TEST_SETTINGS
from tests.functional.licences.support import buy, keys_of, licensed


def test_an_issued_key_is_valid_and_names_only_its_product(client, shopper):
    product = licensed("generated")
    order = buy(shopper, product, email="private.person@example.com")
    key = keys_of(order)[0].key

    response = client.get(f"/api/licences/{key}")

    assert response.status_code == 200
    assert response.get_json() == {"status": "valid", "product": product.slug}
    body = response.get_data(as_text=True)
    assert "private.person" not in body and order.number not in body


def test_unknown_keys_and_keys_still_in_a_pool_are_404(client):
    licensed("pool", keys=["WAITING-KEY"])

    assert client.get("/api/licences/NOPE-NOPE").status_code == 404
    assert client.get("/api/licences/WAITING-KEY").status_code == 404
    assert client.get("/api/licences/" + "A" * 300).status_code == 404


def test_software_can_post_without_a_csrf_token(app, shopper):
    order = buy(shopper, licensed("generated"))
    key = keys_of(order)[0].key
    strict = create_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True})

    response = strict.test_client().post(f"/api/licences/{key}")

    assert response.status_code == 200 and response.get_json()["status"] == "valid"


def test_checks_are_rate_limited_per_address(app):
    shop = create_app({**TEST_SETTINGS, "RATELIMIT_ENABLED": True})
    client = shop.test_client()
    allowed = int(CHECK_LIMIT.split()[0])

    answers = [client.get(f"/api/licences/GUESS-{n}").status_code for n in range(allowed)]
    refused = client.get("/api/licences/GUESS-LAST")

    assert answers == [404] * allowed
    assert refused.status_code == 429
