"""The benchmark data set, made by a script on a database of its own: the demo catalogue grown to 2 000 products
(pictures with their variants, prices, files), 50 000 customers, 100 000 orders with their lines and payment events,
their download entitlements and 200 000 downloads, plus the accounts, cart and pending order `bench/run` measures with.

    DATABASE_URL=postgresql://postgres@127.0.0.1/sf_bench_full .venv/bin/python -m bench.dataset

The database's name must contain "bench": its schema is dropped and rebuilt by the migrations (a missing Postgres
database is created). Sizes come from BENCH_PRODUCTS, BENCH_CUSTOMERS, BENCH_ORDERS and BENCH_DOWNLOADS; `--smoke`
starts from a tiny set instead (20 products, 50 orders). Pictures and files go to STORAGE_LOCAL_ROOT.
"""

import argparse
import math
import os
import random
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from bench.bulk import reset_id_sequences
from bench.catalogue_rows import seed_catalogue
from bench.order_rows import seed_customers, seed_download_logs, seed_orders
from storefront import create_app, jobs
from storefront.accounts.models import Role, User
from storefront.accounts.passwords import hash_password
from storefront.accounts.services import register_user
from storefront.cart.services import add_item, get_or_create_cart
from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.config import load_config, normalise_database_url
from storefront.extensions import db
from storefront.orders.models import Order, OrderItem
from storefront.orders.numbers import new_order_number

PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "bench-admin@example.com"
SHOPPER_EMAIL = "bench-shopper@example.com"
# The product page measured: a demo product, so it is there at any size.
PRODUCT_SLUG = "brass-pen"
# Tables given explicit ids by the bulk inserts, whose Postgres sequences must then move past them.
SEQUENCED_TABLES = ("products", "product_images", "users", "orders", "order_items", "download_entitlements")


@dataclass(frozen=True)
class Sizes:
    products: int
    customers: int
    orders: int
    downloads: int

    @classmethod
    def from_env(cls, environ, smoke=False):
        """SMOKE or FULL, each size replaced by its BENCH_* variable when set."""
        base = SMOKE if smoke else FULL
        changes = {
            name: int(environ[f"BENCH_{name.upper()}"]) for name in FIELDS if environ.get(f"BENCH_{name.upper()}")
        }
        return replace(base, **changes)


FIELDS = ("products", "customers", "orders", "downloads")
FULL = Sizes(products=2000, customers=50_000, orders=100_000, downloads=200_000)
SMOKE = Sizes(products=20, customers=20, orders=50, downloads=100)


class NotABenchDatabase(ValueError):
    """The database's name lacks "bench", so it might be someone's real one: the data set refuses to touch it."""


def checked_url(raw):
    """The normalised URL of a bench database; raises NotABenchDatabase for any other."""
    url = make_url(normalise_database_url(raw, "instance")) if raw else None
    name = Path(url.database or "").name if url is not None else ""
    if "bench" not in name:
        raise NotABenchDatabase(
            f"refusing database {name or '(none)'!r}: its name must contain 'bench' (its tables are dropped)"
        )
    return url.render_as_string(hide_password=False)


def ensure_database(url):
    """Create the Postgres database if it does not exist yet (an SQLite file is made on first use)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    engine.dispose()


def bench_app(url, storage_root, **settings):
    """The app on the bench database, running jobs in-process (the picture variants are made while seeding);
    `settings` override any others."""
    # The engine options that go with this database (the environment's DATABASE_URL may name another kind).
    engine_options = load_config({"DATABASE_URL": url, "SECRET_KEY": os.urandom(24).hex()})["SQLALCHEMY_ENGINE_OPTIONS"]
    overrides = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options}
    overrides.update(STORAGE_LOCAL_ROOT=str(storage_root), REDIS_URL=None, TESTING=True)
    return create_app({**overrides, **settings})


def rebuild_schema():
    """An empty database built by the migrations, whatever was there before."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def build(sizes, seed=10):
    """Rebuild the schema and fill it (inside an app context); returns the seconds each step took."""
    rng, now, timings = random.Random(seed), utcnow(), {}
    steps = [
        ("schema", rebuild_schema),
        ("catalogue", lambda: products.extend(seed_catalogue(sizes.products, rng))),
        ("customers", lambda: seed_customers(sizes.customers, hash_password(PASSWORD), now)),
        ("orders", lambda: granted.extend(seed_orders(sizes.orders, sizes.customers, products, rng, now))),
        ("downloads", lambda: seed_download_logs(sizes.downloads, granted, rng)),
        ("landmarks", lambda: seed_landmarks(products)),
        ("analyze", analyze),
    ]
    products, granted = [], []
    for name, step in steps:
        started = time.perf_counter()
        step()
        timings[name] = round(time.perf_counter() - started, 2)
    return timings


def seed_landmarks(products):
    """Through the app's services: an admin, and a shopper with three things in the cart and an order awaiting
    payment (its status page is what a shopper's browser polls)."""
    with db.engine.begin() as connection:
        reset_id_sequences(connection, SEQUENCED_TABLES)
    register_user(ADMIN_EMAIL, PASSWORD, terms_version="bench", role=Role.ADMIN)
    shopper = register_user(SHOPPER_EMAIL, PASSWORD, terms_version="bench")
    cart = get_or_create_cart(user=shopper)
    buyable = [p for p in products if p.published and p.kind == "digital" and p.files and p.price_cents][:3]
    for product in buyable:
        add_item(cart, product.id)
    db.session.add(_pending_order(shopper, buyable[0]))
    jobs.commit()


def _pending_order(shopper, product):
    now = utcnow()
    return Order(
        number=new_order_number(),
        user_id=shopper.id,
        email=shopper.email,
        status="pending",
        currency="USD",
        subtotal_cents=product.price_cents,
        total_cents=product.price_cents,
        gateway="dummy",
        gateway_session_id=f"dummy_bench_{now:%Y%m%d%H%M%S}",
        expires_at=now + timedelta(hours=23),
        items=[
            OrderItem(
                product_id=product.id,
                title=product.title,
                product_slug=product.slug,
                kind=product.kind,
                unit_price_cents=product.price_cents,
                quantity=1,
            )
        ],
    )


def analyze():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


@dataclass(frozen=True)
class Landmarks:
    """What `bench/run` needs to know about a built data set."""

    admin_email: str
    shopper_email: str
    password: str
    product_slug: str
    pending_order: str
    orders: int
    # The catalogue page measured as "page 50": 50, or the last page of a smaller catalogue.
    page_50: int


def landmarks():
    """The landmarks of the data set in the current app's database; raises LookupError when it was not built."""
    shopper = db.session.scalar(select(User).where(User.email == SHOPPER_EMAIL))
    pending = db.session.scalar(
        select(Order.number).where(Order.email == SHOPPER_EMAIL, Order.status == "pending").order_by(Order.id.desc())
    )
    if (
        shopper is None
        or pending is None
        or db.session.scalar(select(Product.id).where(Product.slug == PRODUCT_SLUG)) is None
    ):
        raise LookupError("no bench data set in this database: run without --reuse-data once")
    orders = db.session.scalar(select(db.func.count(Order.id)))
    published = db.session.scalar(select(db.func.count(Product.id)).where(Product.is_published.is_(True)))
    page_50 = min(50, max(1, math.ceil(published / current_app.config["CATALOG_PAGE_SIZE"])))
    return Landmarks(ADMIN_EMAIL, SHOPPER_EMAIL, PASSWORD, PRODUCT_SLUG, pending, orders, page_50)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny data set (20 products, 50 orders)")
    args = parser.parse_args(argv)
    try:
        url = checked_url(os.environ.get("DATABASE_URL", ""))
    except NotABenchDatabase as refused:
        sys.exit(f"bench.dataset: {refused}")
    sizes = Sizes.from_env(os.environ, smoke=args.smoke)
    ensure_database(url)
    storage = os.environ.get("STORAGE_LOCAL_ROOT") or "instance/bench-storage"
    with bench_app(url, storage).app_context():
        timings = build(sizes)
    print(f"built {sizes} in {sum(timings.values()):.1f}s: {timings}")


if __name__ == "__main__":
    main()
