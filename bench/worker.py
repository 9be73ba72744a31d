"""Worker benchmark: job throughput, paid order -> files ready latency, and memory of web + worker.

    .venv/bin/python bench/worker.py --json                   # the full run (~4 min: 500 jobs, 200 orders)
    .venv/bin/python bench/worker.py --jobs 100 --orders 20   # a quick run, human-readable

It starts the real processes on a scratch database (a SQLite file, or DATABASE_URL=postgresql://... to use that
database: it is migrated, and the bench adds its own products and orders to it), real Redis (REDIS_URL, default
redis://127.0.0.1:6379/0; give it a Redis database nothing else uses at the same time: RQ job ids such as
email-<id> are per database, not per queue) and a queue of its own (bench-<pid>):
`python worker.py` (one worker, with its cron child and RQ's scheduler, as the Procfile runs it) and
`gunicorn wsgi:app -c gunicorn.conf.py -w 2` on a free port. Then it measures

(a) trivial jobs/s: --jobs recorded no-op jobs (the app's real job path: a JobRecord committed, enqueued after the
    commit, run by storefront.jobs.run_recorded_job; the job itself is os.getpid) from the enqueue until every record
    is done; also the worker's CPU ms per job, horses included (unlike wall time, a busy machine hardly changes it);
(b) paid -> files ready: --orders guest orders at --rate orders a second, each through the real pages over HTTP
    (add to cart with personalisation, check out, pay on the dummy gateway's page, which delivers the same
    checkout.session.completed event a Stripe webhook does). Each order has a personalised PDF (certificate_pdf,
    rendered by the worker); every other one also a plain download. Latency: from the payment's answer until every
    digital item of the order has its download entitlement (what the order page shows as ready), p50/p95/max;
(c) PSS (MiB, /proc/<pid>/smaps_rollup) of the web master and its 2 workers, and of the worker and its children,
    after (a) and (b).

`--json` prints ONE JSON object on stdout (everything else goes to stderr):
{"trivial_jobs": {...,"jobs_per_second"}, "paid_to_ready": {...,"p50_s","p95_s"}, "pss_mib": {...,"total"},
 "load_average": [...]}. The machine's load average is included: a shared machine makes every number slower.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def log(message):
    print(f"bench/worker: {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--jobs", type=int, default=500, help="trivial jobs for (a) (default 500)")
    parser.add_argument("--orders", type=int, default=200, help="paid orders for (b) (default 200; 0 skips it)")
    parser.add_argument("--rate", type=float, default=1.0, help="orders a second for (b) (default 1)")
    return parser.parse_args(argv)


def environment(scratch):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("STRIPE_", "MAIL_"))}
    env.update(
        SECRET_KEY="bench-secret-key-that-is-long-enough-for-anything-at-all",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.db",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        JOB_QUEUE=f"bench-{os.getpid()}",
        STORAGE_LOCAL_ROOT=str(Path(scratch) / "storage"),
        PAYMENT_GATEWAY="dummy",
        MAIL_BACKEND="outbox",
        STOREFRONT_ENV="development",
        LOG_LEVEL="WARNING",
    )
    env.pop("FLASK_DEBUG", None)
    env.pop("WORKER_IN_WEB", None)
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_processes(env, scratch):
    """Migrate, then start the worker and gunicorn (2 workers); returns (worker, web, base_url)."""
    python, flask = sys.executable, str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    logs = Path(scratch)
    worker = subprocess.Popen(
        [python, "worker.py"], cwd=ROOT, env=env, stdout=(logs / "worker.log").open("w"), stderr=subprocess.STDOUT
    )
    port = free_port()
    gunicorn = [
        str(Path(python).parent / "gunicorn"),
        "wsgi:app",
        "-c",
        "gunicorn.conf.py",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
    ]
    web = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=(logs / "web.log").open("w"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    _wait_for(f"{base_url}/healthz", web)
    return worker, web, base_url


def _wait_for(url, process, seconds=120):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench/worker: {url} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench/worker: {url} did not answer within {seconds} s")


def wait_until(condition, seconds, step=0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


# (a) trivial jobs


def cpu_seconds(pid):
    """CPU time of `pid` and of its children it has waited for (the work horses), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def trivial_jobs(app, count, worker_pid):
    from storefront import jobs
    from storefront.extensions import db
    from storefront.job_records import JobRecord, JobState

    prefix = f"bench-noop-{os.getpid()}-{time.time_ns()}"
    with app.app_context():
        for number in range(count):
            jobs.enqueue_after_commit("os.getpid", job_id=f"{prefix}-{number}")
        started, cpu_before = time.monotonic(), cpu_seconds(worker_pid)
        jobs.commit()
        done = db.select(db.func.count()).select_from(JobRecord)
        done = done.where(JobRecord.job_key.startswith(prefix), JobRecord.state == JobState.DONE.value)

        def all_done():
            finished = db.session.scalar(done)
            db.session.rollback()
            return finished == count

        completed = wait_until(all_done, seconds=max(60, count))
        elapsed, cpu = time.monotonic() - started, cpu_seconds(worker_pid) - cpu_before
    return {
        "jobs": count,
        "seconds": round(elapsed, 3),
        "completed": completed,
        "jobs_per_second": round(count / elapsed, 2) if completed else None,
        # Worker + horses CPU per job: what a busy machine does not inflate (jobs/s on a free core ~ 1000 / this).
        "worker_cpu_ms_per_job": round(1000 * cpu / count, 1),
    }


# (b) paid -> files ready


def make_products(app):
    """A personalised PDF product and a plain download; returns (personalised id, field label, plain id)."""
    from storefront.catalog.models import Product, ProductFile, ProductKind
    from storefront.extensions import db

    stamp = time.time_ns()

    def product(slug, title, price_cents):
        return Product(
            slug=f"{slug}-{stamp}",
            title=title,
            price_cents=price_cents,
            currency="USD",
            kind=ProductKind.DIGITAL,
            is_published=True,
        )

    with app.app_context():
        personalised = product("bench-star", "Bench certificate", 1900)
        personalised.render_template = "certificate_pdf"
        personalised.buyer_fields = ["Name on the print"]
        plain = product("bench-plain", "Bench download", 500)
        plain.files.append(
            ProductFile(
                storage_key=f"files/bench-{stamp}.pdf",
                file_name="bench.pdf",
                content_type="application/pdf",
                size_bytes=4,
            )
        )
        db.session.add_all([personalised, plain])
        db.session.commit()
        return personalised.id, "Name on the print", plain.id


def buy(base_url, products, number):
    """Buy as a new guest through the pages; returns (order's gateway session id, seconds when paid, items)."""
    import requests

    personalised_id, label, plain_id = products
    session = requests.Session()
    token = CSRF.search(session.get(f"{base_url}/cart/", timeout=30).text).group(1)
    add = {"csrf_token": token, "quantity": 1}
    session.post(
        f"{base_url}/cart/add",
        data={**add, "product_id": personalised_id, f"personalisation[{label}]": f"Guest {number}"},
        timeout=30,
    )
    items = 1
    if number % 2 == 0:
        session.post(f"{base_url}/cart/add", data={**add, "product_id": plain_id}, timeout=30)
        items = 2
    checkout = session.post(
        f"{base_url}/checkout/",
        data={"csrf_token": token, "source": "cart", "email": f"guest{number}@bench.example.com"},
        allow_redirects=False,
        timeout=30,
    )
    gateway = checkout.headers["Location"]
    paid = session.post(
        f"{base_url}{gateway}" if gateway.startswith("/") else gateway,
        data={"csrf_token": token, "action": "pay"},
        allow_redirects=False,
        timeout=30,
    )
    if paid.status_code != 303:
        raise RuntimeError(f"paying order {number} answered {paid.status_code}")
    return gateway.rstrip("/").rsplit("/", 1)[-1], time.monotonic(), items


def ready_count(app, session_id):
    from storefront.downloads.models import DownloadEntitlement
    from storefront.extensions import db
    from storefront.orders.models import Order, OrderItem

    query = (
        db.select(db.func.count())
        .select_from(DownloadEntitlement)
        .join(OrderItem, OrderItem.id == DownloadEntitlement.order_item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.gateway_session_id == session_id)
    )
    count = db.session.scalar(query)
    db.session.rollback()
    return count


def watch(app, paid, latencies, stop):
    """Note, for each paid order (session id, paid at, items), when all its items have an entitlement."""
    pending = {}
    with app.app_context():
        while not stop.is_set() or pending or paid:
            while paid:
                session_id, paid_at, items = paid.pop()
                pending[session_id] = (paid_at, items)
            for session_id, (paid_at, items) in list(pending.items()):
                if ready_count(app, session_id) >= items:
                    latencies.append(time.monotonic() - paid_at)
                    del pending[session_id]
            if stop.is_set() and pending and time.monotonic() - max(p for p, _ in pending.values()) > 300:
                break
            time.sleep(0.02)


def paid_to_ready(app, base_url, count, rate):
    products = make_products(app)
    paid, latencies, stop, failures = [], [], threading.Event(), []
    watcher = threading.Thread(target=watch, args=(app, paid, latencies, stop), daemon=True)
    watcher.start()
    start = time.monotonic()

    def one(number):
        time.sleep(max(0.0, start + number / rate - time.monotonic()))
        try:
            paid.append(buy(base_url, products, number))
        except Exception as error:  # noqa: BLE001 (counted and reported, the run goes on)
            failures.append(repr(error))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(count)))
    stop.set()
    watcher.join()
    return _latency_summary(latencies, count, failures)


def _latency_summary(latencies, count, failures):
    ordered = sorted(latencies)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3) if ordered else None

    return {
        "orders": count,
        "ready": len(ordered),
        "failed_to_buy": len(failures),
        "first_failure": failures[:1],
        "p50_s": round(statistics.median(ordered), 3) if ordered else None,
        "p95_s": pct(0.95),
        "max_s": round(ordered[-1], 3) if ordered else None,
    }


# (c) memory


def pss_mib(pid):
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    kib = next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))
    return round(kib / 1024, 1)


def children(pid):
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def memory(web, worker):
    web_pids = [web.pid, *children(web.pid)]
    worker_pids = [worker.pid, *children(worker.pid)]
    result = {
        "web": {str(pid): pss_mib(pid) for pid in web_pids},
        "worker": {str(pid): pss_mib(pid) for pid in worker_pids},
    }
    result["web_total"] = round(sum(result["web"].values()), 1)
    result["worker_total"] = round(sum(result["worker"].values()), 1)
    result["total"] = round(result["web_total"] + result["worker_total"], 1)
    return result


def run(args):
    scratch = tempfile.mkdtemp(prefix="storefront-bench-")
    env = environment(scratch)
    os.environ.update(env)
    worker, web, base_url = start_processes(env, scratch)
    try:
        from storefront import create_app

        app = create_app()
        time.sleep(2)  # the worker's own start-up (cron child, scheduler) is not what (a) measures
        log(f"(a) {args.jobs} trivial jobs")
        result = {"trivial_jobs": trivial_jobs(app, args.jobs, worker.pid)}
        log(f"(b) {args.orders} orders at {args.rate}/s")
        result["paid_to_ready"] = paid_to_ready(app, base_url, args.orders, args.rate) if args.orders else None
        result["pss_mib"] = memory(web, worker)
        result["load_average"] = list(os.getloadavg())
        result["database"] = env["DATABASE_URL"].split(":", 1)[0]
        return result
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv=None):
    args = parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
