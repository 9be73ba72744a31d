"""The admin orders table at 100 000 orders on Postgres: seeds them with COPY, times each filtered page and the CSV
export through the app, and EXPLAINs the statements a page runs. Not run by CI.

    DATABASE_URL=postgresql://postgres@127.0.0.1/sf_orders_bench .venv/bin/python bench/orders_table.py

The database's name must contain "bench": its tables are dropped and rebuilt by the migrations. ORDERS and RUNS
(timed requests per URL, the median is printed) are read from the environment.
"""

import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import event, make_url, text

from storefront import create_app
from storefront.accounts.models import Role
from storefront.accounts.services import register_user
from storefront.extensions import db

ORDERS = int(os.environ.get("ORDERS", "100000"))
RUNS = int(os.environ.get("RUNS", "5"))
ADMIN = ("bench-admin@example.com", "correct horse battery staple")
STATUSES = ["paid"] * 55 + ["fulfilled"] * 25 + ["processing"] * 3 + ["pending"] * 5 + ["canceled"] * 4
STATUSES += ["expired"] * 3 + ["refunded"] * 3 + ["partially_refunded"] * 2
KINDS = ["digital"] * 6 + ["physical"] * 3 + ["mixed"]
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra", "Barbara Liskov"]
ORDER_COLUMNS = (
    "number, email, status, currency, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, "
    "requires_shipping, kind, holds_stock, shipping_name, gateway, expires_at, created_at, needs_attention, updated_at"
)
EVENT_COLUMNS = "order_id, kind, amount_cents, currency, provider, provider_object_id, created_at"
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
    url = make_url(os.environ.get("DATABASE_URL", ""))
    if url.get_backend_name() != "postgresql" or "bench" not in (url.database or ""):
        sys.exit("Set DATABASE_URL to a Postgres database whose name contains 'bench' (its tables are dropped).")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "REDIS_URL": None})
    with app.app_context():
        rebuild_schema()
        seconds = timed(seed)
        print(f"seeded {ORDERS:,} orders (and their payment events) in {seconds:.1f}s\n")
        client = logged_in(app)
        time_pages(client)
        time_deep_pages(client)
        time_export(client)
        explain_pages(client)


def rebuild_schema():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def seed():
    """Orders over the last two years with COPY, one charge per paid order and a refund on the refunded ones."""
    rng = random.Random(10)
    start = datetime(2025, 1, 1)
    orders = [order_values(rng, n, start + timedelta(minutes=10 * n + rng.random())) for n in range(ORDERS)]
    with db.engine.begin() as connection:
        copy_rows(connection, "orders", ORDER_COLUMNS, orders)
        connection.execute(text(CHARGES_SQL))
        connection.execute(text(REFUNDS_SQL))
        connection.execute(text("ANALYZE orders; ANALYZE payment_events"))
    register_user(ADMIN[0], ADMIN[1], terms_version="bench", role=Role.ADMIN)
    db.session.commit()


CHARGES_SQL = """
INSERT INTO payment_events (order_id, kind, amount_cents, currency, provider, provider_object_id, created_at)
SELECT id, 'charge_succeeded', total_cents, currency, 'dummy', 'ch_' || id, created_at FROM orders
WHERE status NOT IN ('pending', 'canceled', 'expired', 'failed')"""
REFUNDS_SQL = """
INSERT INTO payment_events (order_id, kind, amount_cents, currency, provider, provider_object_id, created_at)
SELECT id, 'refund_succeeded', CASE WHEN status = 'refunded' THEN total_cents ELSE total_cents / 2 END, currency,
       'dummy', 're_' || id, created_at FROM orders WHERE status IN ('refunded', 'partially_refunded')"""


def order_values(rng, n, placed):
    kind = rng.choice(KINDS)
    shipping = kind != "digital"
    subtotal = rng.randrange(500, 30000)
    shipping_cents = 500 if shipping else 0
    status = rng.choice(STATUSES)
    return (
        f"SF-2026-{'B' if n % 2 else 'C'}{n:07d}",
        f"customer{rng.randrange(20000)}@example.com",
        status,
        "USD",
        subtotal,
        0,
        shipping_cents,
        0,
        subtotal + shipping_cents,
        shipping,
        kind,
        False,
        rng.choice(NAMES) if shipping else None,
        "dummy",
        placed + timedelta(hours=1),
        placed,
        rng.random() < 0.005,
        placed,
    )


def copy_rows(connection, table, columns, rows):
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def logged_in(app):
    client = app.test_client()
    response = client.post("/account/login", data={"email": ADMIN[0], "password": ADMIN[1]})
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
