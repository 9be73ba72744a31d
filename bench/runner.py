"""bench/run: the shop under the Procfile's gunicorn line beside a bare Flask hello world, measured with wrk on a
data set of its own; prints req/s and the share of hello world's per page, the issue's targets with pass or miss,
and writes everything to bench/results/<timestamp>.json. See the README's "Benchmarks" section."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import make_url

from bench import dataset, load, measure, report
from bench.browser import Browser
from bench.servers import ROOT, free_port, hello_command, procfile_line, start, stop, wait_ready

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/storefront_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
WORKER_BENCH = ROOT / "bench" / "worker.py"
# Settings from a developer's shell that would change what the servers run.
DROPPED = ("FLASK_ENV", "FLASK_DEBUG", "MAIL_BACKEND", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "WORKER_IN_WEB")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data set, 1 s per URL, SQLite by default")
    parser.add_argument("--seconds", type=int, help="seconds of load per run (default 10, smoke 1)")
    parser.add_argument(
        "--database-url",
        help=f"a database whose name contains 'bench' (default {DEFAULT_DATABASE_URL}"
        ", or BENCH_DATABASE_URL; smoke: a throwaway SQLite file)",
    )
    parser.add_argument("--reuse-data", action="store_true", help="measure the data set already in the database")
    parser.add_argument("--results", default=str(report.RESULTS), help="directory for the JSON (default bench/results)")
    parser.add_argument("--python-load", action="store_true", help="use the Python loop even where wrk is installed")
    parser.add_argument("--port", type=int, help="the app's port (the hello world takes the next one); default: free")
    parser.add_argument("--storage", help="where pictures and files go (default instance/bench-storage/<database>)")
    return parser.parse_args(argv)


@dataclass
class Settings:
    smoke: bool
    seconds: int
    database_url: str
    redis_url: str | None
    storage: Path
    results: Path
    use_wrk: bool
    ports: tuple
    reuse_data: bool


def settings_from(args, scratch):
    """Settings from the command line and environment; a smoke run's default database and storage go in `scratch`."""
    raw = args.database_url or os.environ.get("BENCH_DATABASE_URL")
    raw = raw or (f"sqlite:///{scratch}/bench-smoke.db" if args.smoke else DEFAULT_DATABASE_URL)
    url = dataset.checked_url(raw)
    name = Path(make_url(url).database).stem
    storage = args.storage or (scratch / "storage" if args.smoke else ROOT / "instance" / "bench-storage" / name)
    redis_url = os.environ.get("REDIS_URL") or (None if args.smoke else DEFAULT_REDIS_URL)
    port = args.port or free_port()
    return Settings(
        smoke=args.smoke,
        seconds=args.seconds or (1 if args.smoke else 10),
        database_url=url,
        redis_url=redis_url,
        storage=Path(storage).resolve(),
        results=Path(args.results),
        use_wrk=load.wrk_version() is not None and not args.python_load,
        ports=(port, args.port + 1 if args.port else free_port()),
        reuse_data=args.reuse_data,
    )


def prepare_data(settings):
    """Build the data set (unless reused) and find its landmarks; returns (landmarks, what to record about it)."""
    sizes = dataset.Sizes.from_env(os.environ, smoke=settings.smoke)
    dataset.ensure_database(settings.database_url)
    app = dataset.bench_app(settings.database_url, settings.storage)
    with app.app_context():
        timings = None if settings.reuse_data else dataset.build(sizes)
        marks = dataset.landmarks()
        dataset.db.session.remove()
        dataset.db.engine.dispose()
    built = {"sizes": vars(sizes), "build_seconds": timings} if timings else {"reused": True}
    return marks, {**built, "database": _database(settings.database_url), "orders": marks.orders}


def _database(url):
    parsed = make_url(url)
    return f"{parsed.get_backend_name()}:{Path(parsed.database).name}"


# What the servers run with: production's settings, with the opt-outs a bench on one machine needs (a local disk,
# the dummy gateway, SQLite in smoke runs); no mail is sent, so the SMTP server is never reached.
PRODUCTION_LIKE = {
    "BASE_URL": "https://shop.bench.example",
    "MAIL_URL": "smtp://127.0.0.1:9",
    "MAIL_FROM": "Bench Shop <orders@shop.bench.example>",
    "PAYMENT_GATEWAY": "dummy",
    "ALLOW_DUMMY_PAYMENTS": "1",
    "STORAGE_BACKEND": "local",
    "ALLOW_LOCAL_STORAGE_IN_PRODUCTION": "1",
    "ALLOW_SQLITE_IN_PRODUCTION": "1",
    "WEB_CONCURRENCY": "2",
}


def server_environ(settings, port, queue):
    """The environment of the servers: this shell's, less DROPPED, with PRODUCTION_LIKE and the bench's own."""
    env = {name: value for name, value in os.environ.items() if name not in DROPPED and name != "REDIS_URL"}
    env.update(PRODUCTION_LIKE, DATABASE_URL=settings.database_url, STORAGE_LOCAL_ROOT=str(settings.storage))
    env.update(
        PORT=str(port), JOB_QUEUE=queue, RUN_CRON="0" if settings.smoke else "1", SECRET_KEY=os.urandom(36).hex()
    )
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    if settings.redis_url:
        # Production refuses two web workers without Redis (each would count rate limits on its own).
        env.update(REDIS_URL=settings.redis_url, STOREFRONT_ENV="production")
    return env


class Shop:
    """The three processes: the shop's web (and, with Redis, its worker) and the hello world."""

    def __init__(self, settings, logs):
        self.settings, self.logs = settings, logs
        self.processes = {}
        self.app_url, self.hello_url = (f"http://127.0.0.1:{port}" for port in settings.ports)

    def start(self):
        queue = f"bench-{os.getpid()}"
        app_env = server_environ(self.settings, self.settings.ports[0], queue)
        self._start("web", procfile_line("web"), app_env)
        self._start("hello", hello_command(), server_environ(self.settings, self.settings.ports[1], queue))
        if self.settings.redis_url:
            self._start("worker", procfile_line("worker"), app_env)
        wait_ready(f"{self.app_url}/healthz", self.processes["web"])
        wait_ready(f"{self.hello_url}/", self.processes["hello"])

    def _start(self, name, command, env):
        self.processes[name] = start(command, env, self.logs / f"{name}.log")

    def stop(self):
        stop(list(self.processes.values()))

    def log_tails(self):
        return {path.stem: path.read_text(errors="replace")[-3000:] for path in sorted(self.logs.glob("*.log"))}


def measure_everything(shop, settings, marks):
    browsers = {
        "visitor": Browser(shop.app_url),
        "shopper": Browser(shop.app_url).log_in(marks.shopper_email, marks.password),
        "admin": Browser(shop.app_url).log_in(marks.admin_email, marks.password),
    }
    browsers["visitor"].request("GET", "/")  # a visitor's session cookie, as a returning browser sends
    bench = measure.Bench(
        shop.app_url, shop.hello_url, browsers, settings.seconds, settings.use_wrk, not settings.smoke
    )
    found = {"pages": {}}
    for page in measure.pages(marks):
        print(f"measuring {page.label} ({page.path}) ...", flush=True)
        found["pages"][page.key] = measure.measure_page(bench, page)
    found["memory"] = measure.memory(shop.processes)
    print("exporting every order as CSV ...", flush=True)
    found["csv_export"] = measure.export_csv(bench, shop.processes["web"].pid, marks.orders)
    return found


def worker_bench(settings):
    """bench/worker.py's own results (its contract: `python bench/worker.py --json` prints one JSON object), on the
    same database and Redis once the servers are stopped. Not in smoke mode: it takes minutes."""
    if not WORKER_BENCH.exists():
        return {"skipped": "bench/worker.py is not there"}
    if settings.smoke:
        return {"skipped": "not in smoke mode (bench/worker.py takes minutes)"}
    env = {**os.environ, "DATABASE_URL": settings.database_url, "STORAGE_LOCAL_ROOT": str(settings.storage)}
    env["PYTHONPATH"] = str(ROOT)
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    timeout = 3600
    try:
        done = subprocess.run(
            [sys.executable, str(WORKER_BENCH), "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"bench/worker.py did not finish within {timeout}s"}
    return _json_object(done)


def _json_object(done):
    try:
        found = json.loads(done.stdout)
    except json.JSONDecodeError:
        found = None
    if isinstance(found, dict):
        return found
    return {"error": f"bench/worker.py exited {done.returncode} without a JSON object", "stderr": done.stderr[-2000:]}


def header(settings):
    return {
        "mode": "smoke" if settings.smoke else "full",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "tool": load.wrk_version() if settings.use_wrk else "python http.client loop",
        "load": {"threads": 2, "connections": 32, "seconds_per_run": settings.seconds},
        "gunicorn": procfile_line("web"),
        "redis": settings.redis_url is not None,
        "machine": {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in os.getloadavg()]},
    }


def _commit():
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or None


def notes(results, settings):
    found = [
        f"{os.cpu_count()} CPUs with a load average of {results['machine']['load_average_before'][0]} before the run: "
        "other work on the machine lowers every number, so compare ratios to hello world rather than raw req/s"
    ]
    if not settings.use_wrk:
        why = "wrk is not installed" if load.wrk_version() is None else "--python-load"
        found.append(f"the Python http.client loop ran instead of wrk ({why}), so req/s say little")
    if not settings.redis_url:
        found.append("no REDIS_URL: the app ran without Redis or a worker, and not in production mode")
    if settings.smoke:
        found.append("smoke mode: a tiny data set and 1 s runs, to check the suite works, not to measure")
    return found


def broken(results):
    """Whether anything measured answered other than 2xx (the numbers of such a run mean nothing)."""
    runs = [
        run for page in results["pages"].values() for run in (page["app"], page["hello"], page.get("one_at_a_time"))
    ]
    return any(run["non_2xx"] for run in runs if run) or results["csv_export"]["status"] != 200


class Phases:
    """Seconds spent in each phase of the run, for the results."""

    def __init__(self):
        self.seconds, self._last = {}, time.perf_counter()

    def done(self, name):
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 1)
        self._last = now


def run(settings, scratch):
    """Build or find the data set, start the servers, measure, stop them, and run the worker benchmark."""
    results, phases = header(settings), Phases()
    marks, results["dataset"] = prepare_data(settings)
    phases.done("data")
    shop = Shop(settings, scratch)
    try:
        shop.start()
        phases.done("start")
        results.update(measure_everything(shop, settings, marks))
        phases.done("measure")
    except Exception:
        print(json.dumps(shop.log_tails(), indent=1), file=sys.stderr)
        raise
    finally:
        shop.stop()
    phases.done("stop")
    results["worker_bench"] = worker_bench(settings)
    phases.done("worker_bench")
    results["phase_seconds"] = phases.seconds
    return results


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as scratch:
        try:
            settings = settings_from(args, Path(scratch))
        except dataset.NotABenchDatabase as refused:
            sys.exit(f"bench/run: {refused}")
        results = run(settings, Path(scratch))
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["targets"] = report.verdicts(results)
    results["notes"] = notes(results, settings)
    path = report.write(results, settings.results, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    print("\n".join(report.lines(results)) + f"\nresults: {path}")
    return 1 if broken(results) else 0


if __name__ == "__main__":
    sys.exit(main())
