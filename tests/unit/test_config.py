"""Start-up configuration: defaults for a local run, one clear error naming the variable otherwise."""

import pytest

from storefront.config import ConfigError, load_config

PRODUCTION_BASE = {
    "STOREFRONT_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgres://shop:pw@db.internal:5432/shop",
}


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


def test_production_accepts_safe_settings(tmp_path):
    config = load_config(PRODUCTION_BASE, instance_path=tmp_path)
    assert config["PRODUCTION"] is True
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "override, variable",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-not-default"}, "SECRET_KEY"),
        ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
        ({"DATABASE_URL": "sqlite:////srv/shop.db"}, "DATABASE_URL"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, override, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config({**PRODUCTION_BASE, **override}, instance_path=tmp_path)


def test_production_may_opt_in_to_sqlite(tmp_path):
    environ = {**PRODUCTION_BASE, "DATABASE_URL": "sqlite:////srv/shop.db", "ALLOW_SQLITE_IN_PRODUCTION": "1"}
    assert load_config(environ, instance_path=tmp_path)["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/shop.db"


def test_flask_env_production_counts_as_production(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"FLASK_ENV": "production", "DATABASE_URL": "postgres://u@h/db"}, instance_path=tmp_path)
