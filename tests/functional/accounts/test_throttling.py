"""Guessing is slowed down: after 10 login attempts a minute from one address, or 10 attempts in 15 minutes at one
account from anywhere, the shop answers 429; sign-ups, reset requests and order lookups are throttled too. With
REDIS_URL set, every worker counts in the same place."""

import uuid

import pytest
from redis import Redis

from storefront import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "ada@example.com"
TOO_MANY = "Too many requests"


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
    make_user("grace@example.com")
    client = throttled_shop.test_client()
    for _ in range(11):
        _guess(client, "203.0.113.7")

    other = client.post(
        "/account/login",
        data={"email": "grace@example.com", "password": DEFAULT_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20"},
    )

    assert other.status_code == 302


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


def test_guessing_at_one_account_from_many_addresses_is_refused_too(throttled_shop):
    """10 addresses x 5 guesses at one account: the account's own limit stops them after 10, right password or not."""
    make_user(EMAIL)
    client = throttled_shop.test_client()

    answers = [_guess(client, f"198.51.100.{n}").status_code for n in range(10) for _ in range(5)]
    right_password = _guess(client, "192.0.2.200", DEFAULT_PASSWORD)

    assert answers == [422] * 10 + [429] * 40
    assert right_password.status_code == 429
    assert TOO_MANY in right_password.get_data(as_text=True)


def test_the_account_limit_counts_the_email_in_any_case_and_spares_other_accounts(throttled_shop):
    make_user(EMAIL)
    make_user("grace@example.com")
    client = throttled_shop.test_client()
    spellings = [EMAIL, EMAIL.upper(), " Ada@Example.com "]
    for n in range(10):
        client.post(
            "/account/login",
            data={"email": spellings[n % 3], "password": "wrong password"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )

    assert _guess(client, "192.0.2.1").status_code == 429
    grace = {"email": "grace@example.com", "password": DEFAULT_PASSWORD}
    assert client.post("/account/login", data=grace, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 302


def _sign_up(client, email, address):
    data = {"email": email, "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD, "accept_terms": "y"}
    return client.post("/account/register", data=data, headers={"X-Forwarded-For": address})


def test_sign_ups_from_one_address_are_throttled(throttled_shop):
    client = throttled_shop.test_client()

    answers = [_sign_up(client, f"new{n}@example.com", "203.0.113.7").status_code for n in range(11)]

    assert answers == [303] * 10 + [429]


def test_nobody_can_flood_one_inbox_through_sign_ups_or_reset_requests(throttled_shop):
    """Both email the address they name; the limit is the same whether or not it has an account."""
    make_user(EMAIL)
    client = throttled_shop.test_client()

    sign_ups = [_sign_up(client, EMAIL, f"198.51.100.{n}").status_code for n in range(6)]
    resets = [
        client.post("/account/reset", data={"email": "nobody@example.com"}, headers={"X-Forwarded-For": f"192.0.2.{n}"})
        for n in range(6)
    ]

    assert sign_ups == [303] * 5 + [429]
    assert [response.status_code for response in resets] == [302] * 5 + [429]


def test_order_lookups_from_one_address_are_throttled(throttled_shop):
    client = throttled_shop.test_client()
    headers = {"X-Forwarded-For": "203.0.113.7"}
    guess = {"number": "SF-2026-AAAAAAAA", "email": "someone@example.com"}

    answers = [client.post("/orders/lookup", data=guess, headers=headers) for _ in range(11)]

    assert [response.status_code for response in answers] == [422] * 10 + [429]
    assert TOO_MANY in answers[-1].get_data(as_text=True)


@pytest.fixture
def redis_counted(redis_url):
    """Settings for shop processes that count in the suite's Redis, under a prefix of their own (removed after)."""
    prefix = f"test-limits-{uuid.uuid4().hex}"
    yield {
        **TEST_SETTINGS,
        "RATELIMIT_ENABLED": True,
        "TRUSTED_PROXIES": 1,
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    connection = Redis.from_url(redis_url)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


def test_workers_share_their_counts_through_redis(app, redis_counted):
    """Two gunicorn workers (two app instances) see one count, so more workers do not mean more guesses."""
    make_user(EMAIL)
    first_worker = create_app(redis_counted).test_client()
    first = [_guess(first_worker, "203.0.113.7").status_code for _ in range(5)]
    second_worker = create_app(redis_counted).test_client()  # its own connection to the same Redis

    second = [_guess(second_worker, "203.0.113.7").status_code for _ in range(6)]

    assert first == [422] * 5
    assert second == [422] * 5 + [429]
