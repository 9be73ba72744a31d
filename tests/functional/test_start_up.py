"""Starting the app the way gunicorn and the flask CLI do."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_wsgi(extra_env):
    env = {**os.environ, **extra_env}
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_bad_setting_stops_start_up_with_one_line_naming_it():
    result = _import_wsgi({"DATABASE_URL": "mysql://u@host/shop"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "storefront: configuration error: DATABASE_URL must be a postgres:// or sqlite:// URL (got 'mysql')"
    ]


def test_production_without_a_secret_refuses_to_start():
    result = _import_wsgi({"STOREFRONT_ENV": "production", "SECRET_KEY": "", "DATABASE_URL": "postgres://u@h/db"})
    assert result.returncode == 1
    assert "SECRET_KEY is required in production" in result.stderr


def test_the_app_factory_applies_overrides(app):
    from storefront import create_app

    other = create_app({"TESTING": True, "STORE_NAME": "Paper & Ink"})
    assert other.config["STORE_NAME"] == "Paper & Ink"
    assert other is not app
    assert b"Paper &amp; Ink" in other.test_client().get("/").data
