"""bench/run --smoke, the benchmark suite's one command on a tiny data set: it starts the shop under the Procfile's
gunicorn line beside a hello world, measures every page, and its JSON says each answered 200 and nothing else."""

import json
import os
import subprocess

import pytest
from sqlalchemy import make_url

from bench.dataset import NotABenchDatabase, checked_url
from tests.production import PROJECT_ROOT

PAGES = [
    "catalogue",
    "catalogue_fragment",
    "catalogue_page_50",
    "product",
    "cart_fragment",
    "status_poll",
    "admin_orders_filtered",
    "admin_orders_searched",
]


def smoke_database_url():
    """On Postgres, a database of its own beside the suite's (bench/run drops and rebuilds it); on SQLite, none:
    bench/run then makes a throwaway file."""
    url = make_url(os.environ["DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(database=f"{url.database}_bench_smoke").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    results = tmp_path_factory.mktemp("bench-results")
    command = [str(PROJECT_ROOT / "bench" / "run"), "--smoke", "--results", str(results)]
    if smoke_database_url():
        command += ["--database-url", smoke_database_url()]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    [path] = results.glob("*-smoke.json")
    return json.loads(path.read_text()), done.stdout


def test_the_smoke_run_measures_every_page_and_the_hello_world_with_200s_only(smoke, redis_url):
    results, _ = smoke

    assert list(results["pages"]) == PAGES
    for key, page in results["pages"].items():
        for run in (page["app"], page["hello"]):
            assert run["rps"] > 0, key
            assert set(run["statuses"]) == {"200"}, (key, run["statuses"])
            assert run["non_2xx"] == 0, key
        assert page["ratio"] > 0
    for key in ("admin_orders_filtered", "admin_orders_searched"):
        assert set(results["pages"][key]["one_at_a_time"]["statuses"]) <= {"200"}


def test_the_smoke_run_exports_every_order_and_reports_memory_and_targets(smoke, redis_url):
    results, printed = smoke

    export = results["csv_export"]
    assert export["status"] == 200
    assert export["rows"] == results["dataset"]["orders"] > 50
    assert export["memory"]["rss_before_mb"] > 0
    web = results["memory"]["web"]
    assert len(web["processes"]) == 3  # gunicorn's master and its two workers, as the Procfile starts them
    assert web["pss_mb"] > 0 and results["memory"]["worker"]["pss_mb"] > 0
    assert [target["key"] for target in results["targets"]] == [*PAGES, "csv_export"]
    assert "catalogue page" in printed and "of hello world" in printed


@pytest.mark.parametrize("url", ["sqlite:////tmp/shop.db", "postgresql://postgres@127.0.0.1/storefront", ""])
def test_the_data_set_refuses_a_database_not_named_for_benchmarks(url):
    with pytest.raises(NotABenchDatabase, match="must contain 'bench'"):
        checked_url(url)


def test_bench_run_refuses_a_database_not_named_for_benchmarks_before_touching_it(tmp_path):
    shop = tmp_path / "shop.db"

    done = subprocess.run(
        [str(PROJECT_ROOT / "bench" / "run"), "--smoke", "--database-url", f"sqlite:///{shop}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "must contain 'bench'" in done.stderr
    assert not shop.exists()
