"""Configuration read from the environment and validated once, at start-up.

`load_config(environ, instance_path)` returns a plain dict for `app.config`. Any malformed or missing
required value raises `ConfigError` whose message names the variable, so start-up fails with one clear line.
"""

import logging
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from storefront.config_production import DEFAULT_BASE_URL, production_problem

log = logging.getLogger(__name__)

MIN_SECRET_KEY_LENGTH = 32
KNOWN_UNSAFE_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "test"}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
# Anything else (`prod`, `staging`) is refused rather than silently treated as "not production".
ENVIRONMENTS = {"production", "development", "test"}


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


def _flag(environ, name, default=False):
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def _int_setting(environ, name, default, minimum=1, maximum=None):
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ConfigError(f"{name} must be {bounds} (got {value})")
    return value


def _choice(environ, name, choices, default):
    value = environ.get(name, default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(sorted(choices))} (got {value!r})")
    return value


def is_production(environ):
    """Production when STOREFRONT_ENV or FLASK_ENV says so; raises ConfigError for a value outside ENVIRONMENTS."""
    return "production" in {_environment(environ, "STOREFRONT_ENV"), _environment(environ, "FLASK_ENV")}


def _environment(environ, name):
    value = environ.get(name, "").strip().lower()
    if value and value not in ENVIRONMENTS:
        raise ConfigError(f"{name} must be one of {', '.join(sorted(ENVIRONMENTS))} (got {environ[name]!r})")
    return value


def normalise_database_url(raw, instance_path):
    """Accept sqlite and Postgres URLs; Heroku-style `postgres://` becomes `postgresql+psycopg://`."""
    if not raw:
        return URL.create("sqlite", database=str(Path(instance_path) / "storefront.db")).render_as_string()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a valid database URL (got {_redact(raw)!r})") from None
    if url.get_backend_name() == "postgresql":
        if url.drivername != "postgresql+psycopg":
            url = url.set(drivername="postgresql+psycopg")
        if not url.database:
            raise ConfigError("DATABASE_URL must name a database (postgresql://user@host/NAME)")
    elif url.get_backend_name() != "sqlite":
        raise ConfigError(f"DATABASE_URL must be a postgres:// or sqlite:// URL (got {url.drivername!r})")
    return url.render_as_string(hide_password=False)


def _redact(raw):
    parts = urlsplit(raw)
    if parts.password:
        return raw.replace(parts.password, "***")
    return raw


def _http_url(environ, name, default):
    value = environ.get(name, default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL such as https://shop.example.com (got {value!r})")
    return value


def _redis_url(environ):
    value = environ.get("REDIS_URL", "").strip()
    if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {_redact(value)!r})")
    return value or None


def _secret_key(environ, instance_path, production):
    value = environ.get("SECRET_KEY", "").strip()
    if production:
        if not value:
            raise ConfigError("SECRET_KEY is required in production (set a long random value)")
        if value.lower() in KNOWN_UNSAFE_SECRETS or len(value) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is unsafe for production: use at least {MIN_SECRET_KEY_LENGTH} random characters"
            )
        return value
    return value or _local_secret_key(Path(instance_path))


def _local_secret_key(instance_path):
    """Generate a key once into instance/ so sessions survive restarts of a local run."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    log.warning("SECRET_KEY not set: generated one into %s (fine for a local run, never for production)", key_file)
    return key


def _country_codes(environ, name, default):
    codes = [code.strip().upper() for code in environ.get(name, default).split(",") if code.strip()]
    if not codes or any(len(code) != 2 or not code.isalpha() for code in codes):
        raise ConfigError(f"{name} must be comma-separated two-letter country codes such as US,CA,GB")
    return codes


def _commerce_settings(environ):
    return {
        "CART_ABANDON_AFTER_HOURS": _int_setting(environ, "CART_ABANDON_AFTER_HOURS", 48),
        # How long a cart is left before its (consented) reminder goes out: at least 10 minutes, at most 30 days.
        "CART_REMINDER_DELAY_MINUTES": _int_setting(
            environ, "CART_REMINDER_DELAY_MINUTES", 120, minimum=10, maximum=30 * 24 * 60
        ),
        # Stripe Checkout sessions live between 30 minutes and 24 hours.
        "CHECKOUT_EXPIRES_MINUTES": _int_setting(environ, "CHECKOUT_EXPIRES_MINUTES", 60, minimum=30, maximum=1440),
        "SHIPPING_FLAT_RATE_CENTS": _int_setting(environ, "SHIPPING_FLAT_RATE_CENTS", 500, minimum=0),
        "FREE_SHIPPING_THRESHOLD_CENTS": _int_setting(environ, "FREE_SHIPPING_THRESHOLD_CENTS", 5000, minimum=0),
        "SHIPPING_COUNTRIES": _country_codes(environ, "SHIPPING_COUNTRIES", "US,CA,GB,IE,DE,FR,NL,BE,AT,ES,IT,AU,NZ"),
    }


def _payment_settings(environ):
    stripe_key = environ.get("STRIPE_SECRET_KEY", "").strip()
    gateway = _choice(environ, "PAYMENT_GATEWAY", {"stripe", "dummy"}, "stripe" if stripe_key else "dummy")
    if gateway == "stripe" and not stripe_key:
        raise ConfigError("STRIPE_SECRET_KEY is required when PAYMENT_GATEWAY=stripe")
    return {
        "PAYMENT_GATEWAY": gateway,
        "STRIPE_SECRET_KEY": stripe_key or None,
        "STRIPE_WEBHOOK_SECRET": environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": environ.get("STRIPE_API_BASE") or None,
    }


def _storage_settings(environ, instance_path):
    backend = _choice(environ, "STORAGE_BACKEND", {"local", "s3"}, "local")
    bucket = environ.get("S3_BUCKET") or None
    if backend == "s3" and not bucket:
        raise ConfigError("S3_BUCKET is required when STORAGE_BACKEND=s3 (private files go there)")
    endpoint = environ.get("S3_ENDPOINT_URL") or None
    if endpoint:
        endpoint = _http_url(environ, "S3_ENDPOINT_URL", endpoint)
    return {
        "STORAGE_BACKEND": backend,
        "STORAGE_LOCAL_ROOT": environ.get("STORAGE_LOCAL_ROOT") or str(Path(instance_path) / "storage"),
        "S3_BUCKET": bucket,
        # Product images go to this bucket (readable by everyone through its bucket policy); without it they go to
        # S3_BUCKET under public/, which the bucket policy must then open for reading.
        "S3_PUBLIC_BUCKET": environ.get("S3_PUBLIC_BUCKET") or None,
        # Where public objects are read from, such as a CDN in front of the bucket; default: the bucket's own URL.
        "S3_PUBLIC_BASE_URL": (environ.get("S3_PUBLIC_BASE_URL") or "").rstrip("/") or None,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": environ.get("S3_REGION") or environ.get("AWS_DEFAULT_REGION") or None,
    }


def _download_settings(environ):
    return {
        # How long a download link works; the shopper can mint a fresh one from the order page.
        "DOWNLOAD_LINK_HOURS": _int_setting(environ, "DOWNLOAD_LINK_HOURS", 48, maximum=24 * 365),
        # Downloads allowed per file; 0 means unlimited.
        "DOWNLOAD_LIMIT": _int_setting(environ, "DOWNLOAD_LIMIT", 5, minimum=0),
        # Lifetime of the signed URL the app redirects to once a download is authorised.
        "DOWNLOAD_URL_SECONDS": _int_setting(environ, "DOWNLOAD_URL_SECONDS", 300, minimum=10, maximum=3600),
        # A licence-key pool holding fewer keys than this is flagged on the product page and the dashboard.
        "LICENCE_POOL_LOW_THRESHOLD": _int_setting(environ, "LICENCE_POOL_LOW_THRESHOLD", 10, minimum=0),
    }


MAIL_URL_SCHEMES = {"smtp", "smtps", "smtp+starttls"}


def _mail_settings(environ):
    mail_url = environ.get("MAIL_URL", "").strip()
    backend = _choice(environ, "MAIL_BACKEND", {"outbox", "smtp"}, "smtp" if mail_url else "outbox")
    if backend == "smtp" and not mail_url:
        raise ConfigError("MAIL_URL is required when MAIL_BACKEND=smtp (smtp+starttls://user:password@host:587)")
    if mail_url and (urlsplit(mail_url).scheme not in MAIL_URL_SCHEMES or not urlsplit(mail_url).hostname):
        examples = "smtp://host:25, smtps://host:465 or smtp+starttls://host:587"
        raise ConfigError(f"MAIL_URL must look like {examples} (got {_redact(mail_url)!r})")
    ca_file = environ.get("MAIL_CA_FILE", "").strip()
    if ca_file and not Path(ca_file).is_file():
        raise ConfigError(f"MAIL_CA_FILE must name a readable PEM file of trusted certificates (got {ca_file!r})")
    return {
        "MAIL_BACKEND": backend,
        "MAIL_URL": mail_url or None,
        "MAIL_FROM": environ.get("MAIL_FROM", "Storefront <shop@localhost>"),
        # A private CA for the SMTP server's certificate (TLS is always verified; this only adds trust).
        "MAIL_CA_FILE": ca_file or None,
    }


JOB_QUEUE_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def _retry_intervals(environ):
    raw = environ.get("JOB_RETRY_INTERVALS", "10,60,300")
    words = [word.strip() for word in raw.split(",") if word.strip()]
    if not words or len(words) > 10 or not all(word.isdigit() for word in words):
        raise ConfigError(
            f"JOB_RETRY_INTERVALS must be 1 to 10 comma-separated seconds such as 10,60,300 (got {raw!r})"
        )
    return [int(word) for word in words]


def _job_settings(environ):
    queue = environ.get("JOB_QUEUE", "default").strip()
    if not JOB_QUEUE_NAME.fullmatch(queue):
        raise ConfigError(f"JOB_QUEUE must be a queue name of letters, digits and _.:- (got {queue!r})")
    return {
        # The RQ queue the app enqueues to and worker.py listens on.
        "JOB_QUEUE": queue,
        # A failed job is retried once per interval (seconds to wait before that retry), then left failed.
        "JOB_RETRY_INTERVALS": _retry_intervals(environ),
    }


def _production_settings(environ):
    """Opt-outs of production's checks (storefront/config_production.py), and what they need to know."""
    return {
        "ALLOW_SQLITE_IN_PRODUCTION": _flag(environ, "ALLOW_SQLITE_IN_PRODUCTION"),
        "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": _flag(environ, "ALLOW_LOCAL_STORAGE_IN_PRODUCTION"),
        # A demo shop may run production on the dummy gateway; every page then says no money moves.
        "ALLOW_DUMMY_PAYMENTS": _flag(environ, "ALLOW_DUMMY_PAYMENTS"),
        # Gunicorn workers, as the Procfile starts them (default 2): more than one needs Redis for rate limits.
        "WEB_CONCURRENCY": _int_setting(environ, "WEB_CONCURRENCY", 2),
    }


def _log_settings(environ, production):
    """LOG_FORMAT: json (one object a line, production's default) or text (readable, the local default)."""
    log_format = environ.get("LOG_FORMAT", "json" if production else "text").strip().lower()
    if log_format not in {"json", "text"}:
        raise ConfigError(f"LOG_FORMAT must be json or text (got {log_format!r})")
    # Errors go to Sentry only when a DSN is given; nothing is initialised (or sent) otherwise.
    return {"LOG_FORMAT": log_format, "SENTRY_DSN": environ.get("SENTRY_DSN", "").strip() or None}


def _engine_options(database_url):
    if database_url.startswith("sqlite"):
        # Two gunicorn workers write to one file: wait for the lock instead of failing at once.
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


def _cookie_settings(environ, production):
    """Session and remember-me cookies: HttpOnly, SameSite=Lax, and Secure in production."""
    return {
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # "Remember me" keeps a browser logged in this long; logging out anywhere ends it sooner.
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int_setting(environ, "REMEMBER_COOKIE_DAYS", 30, maximum=365)),
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }


def load_config(environ=None, instance_path="instance"):
    """Build the app configuration from `environ` (default: os.environ); raises ConfigError."""
    environ = os.environ if environ is None else environ
    production = is_production(environ)
    database_url = normalise_database_url(environ.get("DATABASE_URL", "").strip(), instance_path)
    config = {
        "PRODUCTION": production,
        "DEBUG": _flag(environ, "FLASK_DEBUG"),
        "SECRET_KEY": _secret_key(environ, instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "REDIS_URL": _redis_url(environ),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (1 on Heroku-style platforms), so
        # client addresses in download logs and login throttling are the shopper's, not the router's.
        "TRUSTED_PROXIES": _int_setting(environ, "TRUSTED_PROXIES", 0, minimum=0, maximum=5),
        "BASE_URL": _http_url(environ, "BASE_URL", DEFAULT_BASE_URL),
        "STORE_NAME": environ.get("STORE_NAME", "Storefront"),
        "STORE_CURRENCY": _currency(environ),
        "CATALOG_PAGE_SIZE": _int_setting(environ, "CATALOG_PAGE_SIZE", 12, maximum=100),
        # Larger request bodies are refused with 413 before they are read (no upload here comes near it).
        "MAX_CONTENT_LENGTH": _int_setting(environ, "MAX_CONTENT_LENGTH", 16 * 1024 * 1024, minimum=64 * 1024),
        # Admin uploads of deliverable files (and product images) get their own, larger limit, checked per request.
        "MAX_UPLOAD_MB": _int_setting(environ, "MAX_UPLOAD_MB", 200, maximum=5000),
        "PASSWORD_RESET_MAX_AGE_MINUTES": 60,
        **_commerce_settings(environ),
        **_cookie_settings(environ, production),
        **_payment_settings(environ),
        **_storage_settings(environ, instance_path),
        **_download_settings(environ),
        **_mail_settings(environ),
        **_job_settings(environ),
        **_production_settings(environ),
        **_log_settings(environ, production),
    }
    problem = production_problem(config) if production else None
    if problem:
        raise ConfigError(problem)
    return config


def _currency(environ):
    value = environ.get("STORE_CURRENCY", "USD").strip().upper()
    if len(value) != 3 or not value.isalpha():
        raise ConfigError(f"STORE_CURRENCY must be a three-letter ISO 4217 code such as USD (got {value!r})")
    return value
