"""Start-up configuration: defaults for a local run, one clear error naming the variable otherwise."""

import secrets
from pathlib import Path

import pytest

from storefront.config import ConfigError, load_config
from storefront.config_production import MIN_SECRET_KEY_BITS, estimate_secret_bits
from tests.production import PRODUCTION_ENVIRON, REFUSED, production_environ


def test_local_run_defaults_to_sqlite_in_instance_and_generates_a_secret_once(tmp_path, caplog):
    first = load_config({}, instance_path=tmp_path)
    second = load_config({}, instance_path=tmp_path)

    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/storefront.db"
    assert len(first["SECRET_KEY"]) >= 32
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    assert (tmp_path / "secret_key").exists()
    assert "generated one into" in caplog.text
    assert first["REDIS_URL"] is None
    assert first["MAIL_BACKEND"] == "outbox"
    assert first["PAYMENT_GATEWAY"] == "dummy"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgres://u:p@host:5432/shop", "postgresql+psycopg://u:p@host:5432/shop"),
        ("postgresql://u@host/shop", "postgresql+psycopg://u@host/shop"),
        ("postgresql+psycopg://u@host/shop", "postgresql+psycopg://u@host/shop"),
        ("sqlite:////tmp/shop.db", "sqlite:////tmp/shop.db"),
    ],
)
def test_database_urls_are_normalised_to_psycopg3(tmp_path, raw, expected):
    assert load_config({"DATABASE_URL": raw}, instance_path=tmp_path)["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@host/shop"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@host"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"BASE_URL": "shop.example.com"}, "BASE_URL"),
        ({"FLASK_DEBUG": "maybe"}, "FLASK_DEBUG"),
        ({"CATALOG_PAGE_SIZE": "lots"}, "CATALOG_PAGE_SIZE"),
        ({"CATALOG_PAGE_SIZE": "0"}, "CATALOG_PAGE_SIZE"),
        ({"STORE_CURRENCY": "dollars"}, "STORE_CURRENCY"),
        ({"PAYMENT_GATEWAY": "stripe"}, "STRIPE_SECRET_KEY"),
        ({"PAYMENT_GATEWAY": "paypal"}, "PAYMENT_GATEWAY"),
        ({"MAIL_BACKEND": "smtp"}, "MAIL_URL"),
        ({"MAIL_URL": "http://mail.example.com"}, "MAIL_URL"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"TRUSTED_PROXIES": "all"}, "TRUSTED_PROXIES"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, environ, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config({"SECRET_KEY": "k" * 40, **environ}, instance_path=tmp_path)


def test_a_password_in_a_bad_database_url_is_not_echoed(tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_config({"DATABASE_URL": "mysql://user:hunter2@host/shop"}, instance_path=tmp_path)
    assert "hunter2" not in str(refused.value)


def backends(config):
    return config["PAYMENT_GATEWAY"], config["MAIL_BACKEND"], config["STORAGE_BACKEND"]


def test_production_accepts_a_complete_set_up(tmp_path):
    config = load_config(production_environ(), instance_path=tmp_path)

    assert config["PRODUCTION"] is True
    assert config["SESSION_COOKIE_SECURE"] is True
    assert backends(config) == ("stripe", "smtp", "s3")
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("change, variable", REFUSED, ids=[variable for _, variable in REFUSED])
def test_production_refuses_an_unsafe_or_incomplete_set_up_in_one_line_naming_the_variable(tmp_path, change, variable):
    with pytest.raises(ConfigError, match=variable) as refused:
        load_config(production_environ(**change), instance_path=tmp_path)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "change, variable",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short-but-not-default"}, "SECRET_KEY"),
        ({"SECRET_KEY": "0123456789" * 5}, "SECRET_KEY"),
        ({"SECRET_KEY": "abcdefghijklmnopqrstuvwxyz0123456789"}, "SECRET_KEY"),
        ({"SECRET_KEY": secrets.token_hex(16)[:8] * 8}, "SECRET_KEY"),
        ({"FLASK_ENV": "prod"}, "FLASK_ENV"),
        ({"STOREFRONT_ENV": "staging"}, "development, production, test"),
        ({"MAIL_FROM": "Storefront <shop@localhost>"}, "MAIL_FROM"),
        ({"MAIL_FROM": "orders@127.0.0.1"}, "MAIL_FROM"),
        ({"MAIL_FROM": "orders"}, "MAIL_FROM"),
        ({"BASE_URL": "http://127.0.0.1:5000"}, "BASE_URL is required"),
        ({"BASE_URL": "https://127.0.0.2"}, "BASE_URL"),
        ({"BASE_URL": "https://[::1]:8000"}, "BASE_URL"),
        ({"BASE_URL": "https://0.0.0.0"}, "BASE_URL"),
        ({"BASE_URL": "https://shop.localhost"}, "BASE_URL"),
        ({"BASE_URL": "http://shop.example.com"}, "BASE_URL"),
        ({"REDIS_URL": None, "WEB_CONCURRENCY": "4"}, "REDIS_URL is required in production with WEB_CONCURRENCY=4"),
        ({"WEB_CONCURRENCY": "many"}, "WEB_CONCURRENCY"),
        ({"STORAGE_BACKEND": "local", "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": "maybe"}, "ALLOW_LOCAL_STORAGE"),
    ],
)
def test_production_refuses_more_unsafe_values(tmp_path, change, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config(production_environ(**change), instance_path=tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        {"DATABASE_URL": "sqlite:////srv/shop.db", "ALLOW_SQLITE_IN_PRODUCTION": "1"},
        {"STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None, "ALLOW_DUMMY_PAYMENTS": "1"},
        {"STORAGE_BACKEND": "local", "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": "1"},
        {"REDIS_URL": None, "WEB_CONCURRENCY": "1"},
        {"STOREFRONT_ENV": "Production"},
        {"MAIL_FROM": "orders@shop.example.com"},
        {"BASE_URL": "https://shop.example.com:8443/"},
    ],
)
def test_production_accepts_an_explicit_opt_out_or_an_equivalent_value(tmp_path, change):
    assert load_config(production_environ(**change), instance_path=tmp_path)["PRODUCTION"] is True


@pytest.mark.parametrize("environment", ["development", "test", "", "DEVELOPMENT"])
def test_known_environments_other_than_production_keep_local_defaults(tmp_path, environment):
    config = load_config({"STOREFRONT_ENV": environment}, instance_path=tmp_path)

    assert config["PRODUCTION"] is False
    assert backends(config) == ("dummy", "outbox", "local")


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32)])
def test_generated_secret_keys_pass_the_entropy_estimate(tmp_path, make):
    for _ in range(50):
        key = make()
        assert estimate_secret_bits(key) >= MIN_SECRET_KEY_BITS, key
    assert load_config(production_environ(SECRET_KEY=make()), instance_path=tmp_path)["SECRET_KEY"]


@pytest.mark.parametrize("key", ["a" * 32, "a" * 64, "ab" * 32, "abc" * 22, "abcdefgh" * 8, "password" * 6])
def test_repeated_or_low_variety_keys_fail_the_entropy_estimate(key):
    assert estimate_secret_bits(key) < MIN_SECRET_KEY_BITS


def test_flask_env_production_counts_as_production(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"FLASK_ENV": "production", "DATABASE_URL": "postgres://u@h/db"}, instance_path=tmp_path)


def test_the_readme_deploying_steps_name_every_variable_production_needs():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    steps = readme[readme.index("## Deploying to a PaaS") : readme.index("## Layout")]

    missing = [name for name in PRODUCTION_ENVIRON if f"`{name}`" not in steps]

    assert missing == []
    assert "flask --app wsgi storage prepare" in steps
