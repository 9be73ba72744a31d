"""bench/run's hook for the worker benchmark: where bench/worker.py exists it runs `bench/worker.py --json` on the
bench's database and merges the one JSON object it prints; anything else is recorded as an error, not a crash."""

import pytest

from bench import runner


def settings(tmp_path, smoke=False):
    return runner.Settings(
        smoke=smoke,
        seconds=1,
        database_url=f"sqlite:///{tmp_path}/bench.db",
        redis_url=None,
        storage=tmp_path / "storage",
        results=tmp_path,
        use_wrk=False,
        ports=(0, 0),
        reuse_data=False,
    )


@pytest.fixture
def worker_script(tmp_path, monkeypatch):
    script = tmp_path / "worker.py"
    monkeypatch.setattr(runner, "WORKER_BENCH", script)
    return script


def test_without_bench_worker_py_the_run_says_it_was_skipped(tmp_path, worker_script):
    assert runner.worker_bench(settings(tmp_path)) == {"skipped": "bench/worker.py is not there"}


def test_its_json_object_is_merged_and_it_gets_the_bench_database(tmp_path, worker_script):
    worker_script.write_text(
        "import json, os, sys\n"
        "print(json.dumps({'argv': sys.argv[1:], 'database': os.environ['DATABASE_URL'], 'p95_s': 0.4}))\n"
    )

    found = runner.worker_bench(settings(tmp_path))

    assert found == {"argv": ["--json"], "database": f"sqlite:///{tmp_path}/bench.db", "p95_s": 0.4}


def test_a_smoke_run_leaves_the_worker_benchmark_out(tmp_path, worker_script):
    worker_script.write_text("raise SystemExit('must not run')\n")

    assert runner.worker_bench(settings(tmp_path, smoke=True)) == {
        "skipped": "not in smoke mode (bench/worker.py takes minutes)"
    }


def test_a_worker_benchmark_that_prints_no_json_object_is_an_error_in_the_results(tmp_path, worker_script):
    worker_script.write_text("import sys\nprint('not json')\nprint('boom', file=sys.stderr)\nsys.exit(3)\n")

    found = runner.worker_bench(settings(tmp_path))

    assert found["error"] == "bench/worker.py exited 3 without a JSON object"
    assert "boom" in found["stderr"]
