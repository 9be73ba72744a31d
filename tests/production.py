"""A complete production environment, as the README's PaaS steps set it up: every test about production starts
from it and changes one thing, so a refusal is about that one thing."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENVIRON = {
    "STOREFRONT_ENV": "production",
    "SECRET_KEY": "Ellm7kyboMe7_ZMx6icNzyAb4iBUIE4FszWhcxDK8Kz3Vyw-ilSmzUhLt6PTNVE_",
    "DATABASE_URL": "postgres://shop:pw@db.internal:5432/shop",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "TRUSTED_PROXIES": "1",
    "BASE_URL": "https://shop.example.com",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "MAIL_URL": "smtp+starttls://shop:password@smtp.example.com:587",
    "MAIL_FROM": "Example Shop <orders@shop.example.com>",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "example-shop-files",
    "S3_PUBLIC_BUCKET": "example-shop-images",
    "S3_REGION": "us-east-1",
}


def production_environ(**changes):
    """PRODUCTION_ENVIRON with `changes`; a change to None removes the variable."""
    environ = {**PRODUCTION_ENVIRON, **changes}
    return {name: value for name, value in environ.items() if value is not None}


# One change to the complete environment each, and the variable start-up must name when it refuses it.
REFUSED = [
    ({"STOREFRONT_ENV": "prod"}, "STOREFRONT_ENV"),
    ({"SECRET_KEY": "a" * 32}, "SECRET_KEY"),
    ({"SECRET_KEY": "abcdefgh" * 8}, "SECRET_KEY"),
    ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
    ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
    ({"DATABASE_URL": "sqlite:////srv/shop.db"}, "DATABASE_URL"),
    ({"STRIPE_SECRET_KEY": None}, "STRIPE_SECRET_KEY"),
    ({"PAYMENT_GATEWAY": "dummy"}, "PAYMENT_GATEWAY"),
    ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET"),
    ({"MAIL_URL": None}, "MAIL_URL"),
    ({"MAIL_FROM": None}, "MAIL_FROM"),
    ({"BASE_URL": None}, "BASE_URL"),
    ({"BASE_URL": "http://localhost:5000"}, "BASE_URL"),
    ({"STORAGE_BACKEND": "local"}, "STORAGE_BACKEND"),
    ({"REDIS_URL": None}, "REDIS_URL"),
]


# Settings a developer's shell may hold that would change what production sees.
LOCAL_ONLY = ("FLASK_ENV", "FLASK_DEBUG", "PAYMENT_GATEWAY", "MAIL_BACKEND", "WEB_CONCURRENCY", "STRIPE_API_BASE")


def procfile():
    lines = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def environment(**changes):
    """This process's environment (PATH, the suite's DATABASE_URL and REDIS_URL) turned into a complete production
    set-up, with `changes` (None removes a variable)."""
    unset = {*PRODUCTION_ENVIRON, *LOCAL_ONLY}
    base = {name: value for name, value in os.environ.items() if name not in unset and not name.startswith("ALLOW_")}
    suite = {"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": os.environ["REDIS_URL"]}
    if suite["DATABASE_URL"].startswith("sqlite") and "DATABASE_URL" not in changes:
        suite["ALLOW_SQLITE_IN_PRODUCTION"] = "1"
    base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**base, **production_environ(**{**suite, **changes})}


def run(command, env, timeout=60):
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def start(process_type, env):
    """Start the Procfile's `process_type` line as the platform does (through a shell), stderr piped."""
    command = f"exec {procfile()[process_type]}"
    return subprocess.Popen(["bash", "-c", command], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE)
