"""Time the catalogue in-process at 2 000 products: per request over RUNS requests, the wall-clock median and mean, the
mean CPU time of this process (steadier than wall-clock on a busy machine; the database server's own time is not in
it), and the SQL statements it runs with the time they take. Not run by CI.

    .venv/bin/python bench/catalogue_timing.py                     # a throwaway SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1/sf_bench .venv/bin/python bench/catalogue_timing.py

A Postgres database's name must contain "bench": its tables are dropped and rebuilt by the migrations. PRODUCTS and
RUNS are read from the environment. PROFILE=1 prints the top of a cProfile of the first page.
"""

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time

from flask_migrate import downgrade, upgrade
from sqlalchemy import event, make_url, text

from storefront import create_app
from storefront.catalog.models import Category, Product, ProductImage
from storefront.extensions import db
from storefront.renders.models import ProductImageVariant

PRODUCTS = int(os.environ.get("PRODUCTS", "2000"))
RUNS = int(os.environ.get("RUNS", "200"))
PAGES = ["/", "/?q=print&sort=price_asc", "/?page=2", "/?category=prints&sort=price_desc"]
WORDS = (
    "linen paper brass desk lamp poster print map city star chart notebook ink walnut frame mug tote scarf candle "
    "clock globe atlas pencil eraser ruler stamp card envelope ribbon basket vase bowl plate spoon kettle tray "
    "blanket pillow rug mirror"
).split()
WIDTHS = ((320, 240), (640, 480), (1280, 960))


def main():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='catalogue-bench-')}/bench.db"
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "bench" not in (parsed.database or ""):
        sys.exit("A Postgres DATABASE_URL must name a database containing 'bench' (its tables are dropped).")
    os.environ["DATABASE_URL"] = url
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "REDIS_URL": None})
    with app.app_context():
        _rebuild_schema()
        _seed(PRODUCTS)
    client = app.test_client()
    timings = _SqlTimer(app)
    for path in PAGES:
        _report(client, timings, path)
    if os.environ.get("PROFILE"):
        _profile(client, PAGES[0])


def _rebuild_schema():
    downgrade(revision="base")
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def _seed(count):
    categories = [Category(slug=slug, name=slug.title(), position=i) for i, slug in enumerate(("prints", "goods"))]
    db.session.add_all(categories)
    for number in range(count):
        db.session.add(_product(number, categories[number % 2]))
        if number % 500 == 499:
            db.session.flush()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # as autovacuum would: statistics, and GIN pending lists merged
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _product(number, category):
    words = [WORDS[(number * 7 + i) % len(WORDS)] for i in range(3)]
    title = " ".join(words).title() + f" {number}"
    product = Product(
        slug=f"product-{number}",
        title=title,
        description_md=(f"A {words[0]} made with care. " * 40) + " ".join(words),
        price_cents=500 + (number * 37) % 20000,
        currency="USD",
        kind="digital" if number % 3 else "physical",
        stock=None if number % 3 else number % 5,
        is_published=True,
        category=category,
    )
    image = ProductImage(storage_key=f"products/{number}/cover.jpg", alt_text=f"Cover of {title}", width=1280)
    for fmt in ("webp", "jpeg"):
        for name, (width, height) in zip(("thumb", "card", "full"), WIDTHS, strict=True):
            key = f"products/{number}/{name}.{fmt}"
            image.variants.append(
                ProductImageVariant(name=name, format=fmt, storage_key=key, width=width, height=height)
            )
    product.images.append(image)
    return product


class _SqlTimer:
    """Counts the statements of the last request and the time the database took over them."""

    def __init__(self, app):
        self.count, self.seconds = 0, 0.0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._before)
            event.listen(db.engine, "after_cursor_execute", self._after)

    def reset(self):
        self.count, self.seconds = 0, 0.0

    def _before(self, conn, *_args):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, *_args):
        self.count += 1
        self.seconds += time.perf_counter() - conn.info.pop("bench_started")


def _report(client, timings, path):
    client.get(path)  # warm the template and statement caches
    elapsed, cpu, sql = [], [], []
    for _ in range(RUNS):
        timings.reset()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        sql.append(timings.seconds)
    assert response.status_code == 200, (path, response.status_code)
    print(
        f"{path:36} wall median {_ms(elapsed, statistics.median)} mean {_ms(elapsed, statistics.mean)}"
        f"  CPU mean {_ms(cpu, statistics.mean)}  SQL median {_ms(sql, statistics.median)}"
        f" in {timings.count} statements"
    )


def _ms(seconds, average):
    return f"{average(seconds) * 1000:5.1f} ms"


def _profile(client, path):
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(50):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)


if __name__ == "__main__":
    main()
