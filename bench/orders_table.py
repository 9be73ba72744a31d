"""The admin orders table at 100 000 orders on Postgres: builds the benchmark data set (bench/dataset.py), times each
filtered page and the CSV export through the app, and EXPLAINs the statements a page runs. Not run by CI.

    DATABASE_URL=postgresql://postgres@127.0.0.1/sf_orders_bench .venv/bin/python -m bench.orders_table

The database's name must contain "bench": its tables are dropped and rebuilt by the migrations. ORDERS (default
100 000) and RUNS (timed requests per URL, the median is printed) are read from the environment, and the data set's
other sizes from its BENCH_* variables. bench/run measures the same pages under gunicorn and wrk.
"""

import os
import statistics
import sys
import time
from dataclasses import replace

from sqlalchemy import event, make_url

from bench.dataset import (
    ADMIN_EMAIL,
    PASSWORD,
    NotABenchDatabase,
    Sizes,
    bench_app,
    build,
    checked_url,
    ensure_database,
)
from storefront.extensions import db

ORDERS = int(os.environ.get("ORDERS", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))
PAGES = [
    "/admin/orders",
    "/admin/orders?status=paid",
    "/admin/orders?attention=1",
    "/admin/orders?kind=physical",
    "/admin/orders?refunded=1",
    "/admin/orders?unfulfilled=1",
    "/admin/orders?placed_from=2026-03-01&placed_to=2026-03-31",
    "/admin/orders?q=customer123",
    "/admin/orders?q=grace",
    "/admin/orders?q=SF-2026-B00012",
    "/admin/orders?sort=total&dir=asc",
    "/admin/orders?sort=total&dir=desc&kind=mixed",
    "/admin/orders?sort=status&dir=asc",
    "/admin/orders?status=fulfilled&sort=date&dir=asc",
]


def main():
    try:
        url = checked_url(os.environ.get("DATABASE_URL", ""))
    except NotABenchDatabase as refused:
        sys.exit(f"bench.orders_table: {refused}")
    if make_url(url).get_backend_name() != "postgresql":
        sys.exit("Set DATABASE_URL to a Postgres database whose name contains 'bench' (its tables are dropped).")
    ensure_database(url)
    storage = os.environ.get("STORAGE_LOCAL_ROOT") or f"instance/bench-storage/{make_url(url).database}"
    app = bench_app(url, storage, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        seconds = timed(build, replace(Sizes.from_env(os.environ), orders=ORDERS))
        print(f"built the data set with {ORDERS:,} orders (and their payment events) in {seconds:.1f}s\n")
        client = logged_in(app)
        time_pages(client)
        time_deep_pages(client)
        time_export(client)
        explain_pages(client)


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def logged_in(app):
    client = app.test_client()
    response = client.post("/account/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


def median_ms(client, url, headers=None):
    """The median time of RUNS requests for `url` (after one warm-up), in milliseconds, and the last response."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    durations = [timed(lambda: client.get(url, headers=headers)) * 1000 for _ in range(RUNS)]
    return statistics.median(durations), response


def time_pages(client):
    print(f"{f'page (htmx fragment, median of {RUNS})':72} {'ms':>8}  matching")
    for url in PAGES:
        ms, response = median_ms(client, url, headers={"HX-Request": "true"})
        matching = response.get_data(as_text=True).split("<strong>")[-1].split(" order")[0]
        print(f"{url:72} {ms:8.1f}  {matching}")


def time_deep_pages(client):
    """Follow "Next" 200 times (10 000 rows deep): keyset pages cost the same at any depth."""
    url, durations = "/admin/orders?sort=total&dir=desc", []
    for _ in range(200):
        started = time.perf_counter()
        body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        durations.append((time.perf_counter() - started) * 1000)
        url = body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    print(
        f"\npages 1-10 vs 191-200 of sort=total: {statistics.median(durations[:10]):.1f} ms vs "
        f"{statistics.median(durations[-10:]):.1f} ms (median)"
    )


def time_export(client):
    started = time.perf_counter()
    response = client.get("/admin/orders.csv", buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    print(f"CSV export of all {ORDERS:,} orders: {time.perf_counter() - started:.1f}s, {size / 1e6:.1f} MB\n")


def explain_pages(client):
    """EXPLAIN ANALYZE every statement on orders of a few pages, as the app ran them."""
    for url in ("/admin/orders", "/admin/orders?status=paid", "/admin/orders?q=grace", "/admin/orders?refunded=1"):
        for statement, parameters in statements_of(client, url):
            if "FROM orders" not in statement:
                continue
            connection = db.session.connection()
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).scalars().all()
            print(f"--- {url}: {' '.join(statement.split())[:110]} ...")
            print("\n".join(line for line in plan if any(word in line for word in PLAN_WORDS)), "\n")
        db.session.rollback()


PLAN_WORDS = ("Scan", "Sort", "Aggregate", "Join", "Limit", "Execution Time")


def statements_of(client, url):
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(url, headers={"HX-Request": "true"})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


if __name__ == "__main__":
    main()
