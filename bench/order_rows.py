"""Customers, orders with their lines, payment events, download entitlements and the download log: generated from
a fixed seed and written in batches (COPY on Postgres), so 100 000 orders take a minute or two, not hours."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import text

from bench.bulk import insert_rows
from storefront.extensions import db

CUSTOMER_COLUMNS = (
    "id, email, password_hash, role, is_blocked, terms_version, terms_accepted_at, created_at, email_confirmed_at, "
    "session_version"
).split(", ")
ORDER_COLUMNS = (
    "id, number, user_id, email, status, currency, subtotal_cents, discount_cents, shipping_cents, tax_cents, "
    "total_cents, requires_shipping, kind, holds_stock, shipping_name, shipping_address, gateway, expires_at, "
    "created_at, paid_at, needs_attention, attention_reason, updated_at"
).split(", ")
ITEM_COLUMNS = "id, order_id, product_id, title, product_slug, kind, unit_price_cents, quantity, personalisation".split(
    ", "
)
ENTITLEMENT_COLUMNS = (
    "id, token, order_item_id, storage_key, file_name, content_type, size_bytes, max_downloads, download_count, "
    "expires_at, revoked_at, created_at"
).split(", ")
LOG_COLUMNS = ("entitlement_id", "downloaded_at", "ip_address", "user_agent")

STATUSES = ["paid"] * 55 + ["fulfilled"] * 25 + ["processing"] * 3 + ["pending"] * 5 + ["canceled"] * 4
STATUSES += ["expired"] * 3 + ["refunded"] * 3 + ["partially_refunded"] * 2
# Statuses whose order was paid: it has a charge, and its digital items their download entitlements.
DELIVERED = {"paid", "processing", "fulfilled", "partially_refunded", "refunded"}
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra", "Barbara Liskov"]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari",
]
# Orders are placed ORDER_MINUTES apart up to now (100 000 orders span about two years); a pending order older than
# PENDING_FOR would have been expired by the periodic job, so it is generated expired.
ORDER_MINUTES = 10
PENDING_FOR = timedelta(hours=1)
BATCH = 10_000
LINK_HOURS = 48

CHARGES_SQL = """
INSERT INTO payment_events (order_id, kind, amount_cents, currency, provider, provider_object_id, created_at)
SELECT id, 'charge_succeeded', total_cents, currency, 'dummy', 'ch_' || id, created_at FROM orders
WHERE status NOT IN ('pending', 'canceled', 'expired', 'failed')"""
REFUNDS_SQL = """
INSERT INTO payment_events (order_id, kind, amount_cents, currency, provider, provider_object_id, created_at)
SELECT id, 'refund_succeeded', CASE WHEN status = 'refunded' THEN total_cents ELSE total_cents / 2 END, currency,
       'dummy', 're_' || id, created_at FROM orders WHERE status IN ('refunded', 'partially_refunded')"""
COUNT_DOWNLOADS_SQL = """
UPDATE download_entitlements SET download_count = (
    SELECT COUNT(*) FROM download_logs WHERE download_logs.entitlement_id = download_entitlements.id)
WHERE id IN (SELECT entitlement_id FROM download_logs)"""
# A link downloaded more often than its limit allows had its limit lifted by an admin (0: unlimited).
LIFT_LIMITS_SQL = "UPDATE download_entitlements SET max_downloads = 0 WHERE download_count > max_downloads"


def customer_email(number):
    return f"customer{number}@example.com"


def seed_customers(count, password_hash, now):
    """`count` confirmed customer accounts (ids 1..count) sharing one password hash (Argon2 is slow on purpose)."""
    rows = (
        (n + 1, customer_email(n), password_hash, "customer", False, "bench", joined, joined, joined, 0)
        for n in range(count)
        for joined in [now - timedelta(days=730 * (count - n) / count)]
    )
    with _begin() as connection:
        insert_rows(connection, "users", CUSTOMER_COLUMNS, rows)


@dataclass
class _Batch:
    orders: list = field(default_factory=list)
    items: list = field(default_factory=list)
    entitlements: list = field(default_factory=list)


@dataclass
class _Counters:
    item_id: int = 0
    entitlement_id: int = 0
    # (entitlement id, when it was granted) of every entitlement, for the download log.
    granted: list = field(default_factory=list)


def seed_orders(count, customers, products, rng, now):
    """`count` orders (ids 1..count) over the time up to `now`, with their lines and entitlements, then the payment
    events of the paid and refunded ones. Returns the (entitlement id, granted at) pairs."""
    counters = _Counters()
    for start in range(0, count, BATCH):
        batch = _Batch()
        for n in range(start, min(count, start + BATCH)):
            placed = now - timedelta(minutes=ORDER_MINUTES * (count - n) + rng.random())
            _add_order(batch, counters, n, placed, rng.randrange(customers) if customers else None, products, rng, now)
        with _begin() as connection:
            insert_rows(connection, "orders", ORDER_COLUMNS, batch.orders)
            insert_rows(connection, "order_items", ITEM_COLUMNS, batch.items)
            insert_rows(connection, "download_entitlements", ENTITLEMENT_COLUMNS, batch.entitlements)
    with _begin() as connection:
        connection.execute(text(CHARGES_SQL))
        connection.execute(text(REFUNDS_SQL))
    return counters.granted


def _add_order(batch, counters, n, placed, customer, products, rng, now):
    status = rng.choice(STATUSES)
    if status == "pending" and now - placed > PENDING_FOR:
        status = "expired"
    lines = _lines(products, rng)
    for product, quantity in lines:
        counters.item_id += 1
        batch.items.append(_item_row(counters.item_id, n + 1, product, quantity))
        if status in DELIVERED and product.kind == "digital":
            _grant(batch, counters, product, placed, status, rng)
    batch.orders.append(_order_row(n, placed, status, lines, customer, rng))


def _lines(products, rng):
    """One to three different products, popular ones (the low ids) more often; physical ones one or two at a time."""
    count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
    chosen = dict.fromkeys(products[int(len(products) * rng.random() ** 2)] for _ in range(count))
    return [(product, 1 if product.kind == "digital" else rng.choice([1, 1, 2])) for product in chosen]


def _item_row(item_id, order_id, product, quantity):
    return (
        item_id,
        order_id,
        product.id,
        product.title,
        product.slug,
        product.kind,
        product.price_cents,
        quantity,
        "{}",
    )


def _grant(batch, counters, product, placed, status, rng):
    granted = placed + timedelta(minutes=2)
    revoked = granted + timedelta(days=3) if status == "refunded" else None
    for storage_key, file_name, content_type, size in product.files:
        counters.entitlement_id += 1
        token = f"{rng.getrandbits(256):064x}"
        batch.entitlements.append(
            (
                counters.entitlement_id,
                token,
                counters.item_id,
                storage_key,
                file_name,
                content_type,
                size,
                5,
                0,
                granted + timedelta(hours=LINK_HOURS),
                revoked,
                granted,
            )
        )
        counters.granted.append((counters.entitlement_id, granted))


def _order_row(n, placed, status, lines, customer, rng):
    row = {
        "id": n + 1,
        "number": f"SF-2026-{'B' if n % 2 else 'C'}{n:07d}",
        "status": status,
        "holds_stock": False,
        "gateway": "dummy",
        "expires_at": placed + PENDING_FOR,
        "created_at": placed,
        "paid_at": placed + timedelta(minutes=2) if status in DELIVERED else None,
        "updated_at": placed,
        **_amounts(lines),
        **_buyer(n, customer, any(product.kind == "physical" for product, _ in lines), rng),
        **_attention(rng),
    }
    return tuple(row[column] for column in ORDER_COLUMNS)


def _amounts(lines):
    subtotal = sum(product.price_cents * quantity for product, quantity in lines)
    kinds = {product.kind for product, _ in lines}
    shipping = 500 if "physical" in kinds and subtotal < 5000 else 0
    return {
        "currency": "USD",
        "subtotal_cents": subtotal,
        "discount_cents": 0,
        "shipping_cents": shipping,
        "tax_cents": 0,
        "total_cents": subtotal + shipping,
        "requires_shipping": "physical" in kinds,
        "kind": kinds.pop() if len(kinds) == 1 else "mixed",
    }


def _buyer(n, customer, ships, rng):
    """A customer's order (linked to the account six times in ten, a guest checkout otherwise) or a stranger's."""
    name = rng.choice(NAMES) if ships else None
    return {
        "user_id": customer + 1 if customer is not None and rng.random() < 0.6 else None,
        "email": customer_email(customer if customer is not None else n),
        "shipping_name": name,
        "shipping_address": f"{name}\n1 Example Street\nSpringfield\nUS" if name else None,
    }


def _attention(rng):
    flagged = rng.random() < 0.005
    return {
        "needs_attention": flagged,
        "attention_reason": "Paid after its stock sold out (generated)" if flagged else None,
    }


def seed_download_logs(count, granted, rng):
    """`count` downloads spread over the entitlements (within each link's 48 hours), then each one's count."""
    if not granted:
        return
    rows = (
        (
            entitlement_id,
            at + timedelta(minutes=rng.uniform(1, LINK_HOURS * 60)),
            f"203.0.113.{rng.randrange(1, 255)}",
            rng.choice(USER_AGENTS),
        )
        for entitlement_id, at in (rng.choice(granted) for _ in range(count))
    )
    with _begin() as connection:
        insert_rows(connection, "download_logs", LOG_COLUMNS, rows)
        connection.execute(text(COUNT_DOWNLOADS_SQL))
        connection.execute(text(LIFT_LIMITS_SQL))


def _begin():
    return db.engine.begin()
