"""Storefront: a self-hostable web shop. `create_app` builds the Flask app from a list of register steps."""

import importlib
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from storefront.assets import register_assets
from storefront.config import load_config
from storefront.extensions import csrf, db, limiter, login_manager, migrate
from storefront.input_guard import register_input_guards
from storefront.outage import register_outage_handling
from storefront.security import register_security_headers


def create_app(config=None):
    """Build the app from the environment; `config` (a mapping) overrides settings, e.g. in tests.

    Raises storefront.config.ConfigError when a setting is missing or malformed.
    """
    app = Flask(__name__)
    app.config.update(load_config(instance_path=app.instance_path))
    app.config.update(config or {})
    steps = (
        register_logging,
        register_extensions,
        register_input_guards,
        register_blueprints,
        register_assets,
        register_outage_handling,
        register_security_headers,
        register_templates,
        register_cli,
    )
    for register in steps:
        register(app)
    return app


def register_logging(app):
    from storefront.logs import configure_logging, init_sentry

    configure_logging(app)
    init_sentry(app)
    if app.config["REDIS_URL"] is None and not app.testing:
        app.logger.info("REDIS_URL not set: background jobs run in-process in the web app (no worker needed)")
        register_in_process_periodic_jobs(app)


def register_in_process_periodic_jobs(app):
    from storefront.periodic import run_due_jobs_in_process

    @app.teardown_request
    def run_due_periodic_jobs(_error):
        run_due_jobs_in_process(app)


def register_extensions(app):
    import storefront.models  # noqa: F401  (all tables known before anything touches the database)
    from storefront.storage import init_storage

    db.init_app(app)
    # Migrations live beside the package, so `flask db` works from any folder.
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Redis down: count in this process's memory meanwhile, and never let the throttle break a page.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    limiter.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    init_storage(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers and one writer work at once; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# Every blueprint, as "module:attribute", in registration order; imported here so the factory alone pulls in views.
BLUEPRINTS = (
    "storefront.catalog:bp",
    "storefront.cart:bp",
    "storefront.checkout:bp",
    "storefront.orders.views:bp",
    "storefront.downloads.views:bp",
    "storefront.licences.views:bp",
    "storefront.wishlist.views:bp",
    "storefront.mailings:bp",
    "storefront.payments:bp",
    "storefront.reviews:bp",
    "storefront.accounts:bp",
    "storefront.account.views:bp",
    "storefront.admin:bp",
    "storefront.legal:bp",
    "storefront.privacy:bp",
    "storefront.seo:bp",
    "storefront.health:bp",
    "storefront.media:bp",
    "storefront.errors:bp",
)


def register_blueprints(app):
    for path in BLUEPRINTS:
        module, attribute = path.split(":")
        app.register_blueprint(getattr(importlib.import_module(module), attribute))


def register_templates(app):
    from storefront.catalog.links import product_url
    from storefront.catalog.pictures import picture_sources
    from storefront.money import format_money
    from storefront.storage import get_storage

    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["media_url"] = lambda key: get_storage().public_url(key)
    app.jinja_env.globals.update(picture_sources=picture_sources, product_url=product_url)


def register_cli(app):
    from storefront import cli

    commands = (
        cli.seed_demo_command,
        cli.create_admin_command,
        cli.carts_command,
        cli.orders_command,
        cli.storage_command,
        cli.backup_command,
    )
    for command in commands:
        app.cli.add_command(command)


@login_manager.user_loader
def load_user(session_user_id):
    from storefront.accounts.models import User, parse_session_user_id

    parsed = parse_session_user_id(session_user_id)
    if parsed is None:
        return None
    user = db.session.get(User, parsed[0])
    # A user blocked mid-session, or whose password was reset since, is logged out on their next request.
    if user is None or user.is_blocked or user.session_version != parsed[1]:
        return None
    return user
