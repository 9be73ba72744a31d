"""What bench/run measures on the running servers: each page against the hello world right before it (so load from
elsewhere on the machine weighs on both alike), the admin pages also one request at a time for their latency, the
CSV export's time and the web worker's memory growth, and the memory of every process."""

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench import load
from bench.servers import PeakMemory, children, tree_memory

HTMX = {"HX-Request": "true"}
CSV_PATH = "/admin/orders.csv"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    # Whose cookies go with each request: "visitor" (anonymous session), "shopper" or "admin" (logged in).
    who: str
    htmx: bool = False
    # Also measured with one connection, so its latency is the page's own rather than time spent queueing.
    one_at_a_time: bool = False


def pages(marks):
    """The pages measured, for the data set's landmarks (bench.dataset.Landmarks)."""
    status = f"/checkout/status/{marks.pending_order}"
    return [
        Page("catalogue", "catalogue page", "/", "visitor"),
        Page("catalogue_fragment", "catalogue fragment (htmx)", "/", "visitor", htmx=True),
        Page("catalogue_page_50", f"catalogue page {marks.page_50}", f"/?page={marks.page_50}", "visitor"),
        Page("product", "product page", f"/products/{marks.product_slug}", "visitor"),
        Page("cart_fragment", "cart fragment (htmx)", "/cart/", "shopper", htmx=True),
        Page("status_poll", "checkout status poll (htmx)", status, "shopper", htmx=True),
        Page(
            "admin_orders_filtered",
            "admin orders, filtered (htmx)",
            "/admin/orders?status=paid&kind=physical",
            "admin",
            htmx=True,
            one_at_a_time=True,
        ),
        Page(
            "admin_orders_searched",
            "admin orders, searched (htmx)",
            "/admin/orders?q=customer123",
            "admin",
            htmx=True,
            one_at_a_time=True,
        ),
    ]


@dataclass
class Bench:
    """Where the servers are, whose cookies to send, and how to load them."""

    app_url: str
    hello_url: str
    browsers: dict
    seconds: int
    use_wrk: bool
    warm_up: bool

    def headers(self, page):
        return {**self.browsers[page.who].headers(), **(HTMX if page.htmx else {})}


def measure_page(bench, page):
    """The page's numbers beside the hello world's, after one checked request (and a short warm-up run)."""
    headers = bench.headers(page)
    status, _, _ = bench.browsers[page.who].request("GET", page.path, headers=HTMX if page.htmx else None)
    app_url, hello_url = bench.app_url + page.path, bench.hello_url + "/"
    if bench.warm_up:
        _drained(load.run(app_url, headers, max(1, bench.seconds // 5), use_wrk=bench.use_wrk), bench.app_url)
    hello = _drained(load.run(hello_url, headers, bench.seconds, use_wrk=bench.use_wrk), bench.hello_url)
    app = _drained(load.run(app_url, headers, bench.seconds, use_wrk=bench.use_wrk), bench.app_url)
    entry = {"label": page.label, "path": page.path, "who": page.who, "htmx": page.htmx, "first_status": status}
    entry.update(app=app, hello=hello, ratio=round(app["rps"] / hello["rps"], 3) if hello["rps"] else None)
    if page.one_at_a_time:
        entry["one_at_a_time"] = load.run(
            app_url, headers, bench.seconds, connections=1, threads=1, use_wrk=bench.use_wrk
        )
    return entry


def _drained(result, base_url):
    """Wait for the server to finish what the load left queued (wrk stops with up to one request per connection
    still waiting), so it does not eat into the next run: one more request, answered only after those."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=300)
    try:
        connection.request("GET", "/healthz")  # the hello world answers 404, as quickly
        connection.getresponse().read()
    finally:
        connection.close()
    return result


def export_csv(bench, web_pid, expected_orders):
    """Download every order as CSV as the admin, timing it and watching how much the web workers grow."""
    address = urlsplit(bench.app_url)
    with PeakMemory(children(web_pid)) as peak:
        started = time.perf_counter()
        status, size, lines = _stream(address.hostname, address.port, CSV_PATH, bench.browsers["admin"].headers())
        seconds = time.perf_counter() - started
    return {
        "path": CSV_PATH,
        "status": status,
        "seconds": round(seconds, 2),
        "megabytes": round(size / 1e6, 2),
        "rows": max(0, lines - 1),
        "orders": expected_orders,
        "memory": peak.report(),
    }


def _stream(host, port, path, headers):
    connection = http.client.HTTPConnection(host, port, timeout=600)
    size = lines = 0
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        connection.close()
    return response.status, size, lines


def memory(processes):
    """RSS and PSS of each named process tree (the web's gunicorn, the worker, the hello world's gunicorn)."""
    return {name: tree_memory(process.pid) for name, process in processes.items() if process is not None}
