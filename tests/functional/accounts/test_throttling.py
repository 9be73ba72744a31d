"""Guessing passwords from one address is slowed down: after 10 login attempts a minute the shop answers 429."""

import pytest

from storefront import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"


@pytest.fixture
def throttled_shop(app):
    """The shop with throttling on, behind one proxy that sets X-Forwarded-For (as on a PaaS router)."""
    return create_app({**TEST_SETTINGS, "RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1})


def _guess(client, address, password="wrong password"):
    return client.post(
        "/account/login", data={"email": EMAIL, "password": password}, headers={"X-Forwarded-For": address}
    )


def test_the_eleventh_login_attempt_in_a_minute_is_refused_with_429(throttled_shop):
    make_user(EMAIL)
    client = throttled_shop.test_client()

    answers = [_guess(client, "203.0.113.7").status_code for _ in range(10)]
    refused = _guess(client, "203.0.113.7")

    assert answers == [422] * 10
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0


def test_another_shopper_behind_the_same_router_can_still_log_in(throttled_shop):
    make_user(EMAIL)
    client = throttled_shop.test_client()
    for _ in range(11):
        _guess(client, "203.0.113.7")

    assert _guess(client, "198.51.100.20", DEFAULT_PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_limit_without_a_trusted_proxy(app):
    shop = create_app({**TEST_SETTINGS, "RATELIMIT_ENABLED": True})
    make_user(EMAIL)
    client = shop.test_client()

    answers = [_guess(client, f"192.0.2.{n}").status_code for n in range(11)]

    assert answers[-1] == 429


def test_password_reset_requests_are_throttled_too(throttled_shop):
    client = throttled_shop.test_client()
    headers = {"X-Forwarded-For": "203.0.113.9"}

    answers = [client.post("/account/reset", data={"email": EMAIL}, headers=headers).status_code for _ in range(6)]

    assert answers == [302] * 5 + [429]
