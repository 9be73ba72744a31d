"""Load for bench/run: wrk (by default -t2 -c32) with bench/wrk_report.lua, which counts responses by status; where
wrk is not installed, a small Python loop of http.client threads instead (good enough for the smoke mode, not for
numbers to compare: the results name the tool that ran).

Every run returns the same dict: requests, seconds, req/s, responses by status, non-2xx responses, socket errors and
latency percentiles in milliseconds.
"""

import http.client
import json
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
MARKER = "BENCH-JSON "
# The Python loop runs at most this many threads: more only fight over the GIL.
PYTHON_CONNECTIONS = 4
PERCENTILES = (50, 90, 95, 99)


def wrk_version():
    """wrk's version line, or None when wrk is not on the PATH."""
    if shutil.which("wrk") is None:
        return None
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (done.stdout + done.stderr).splitlines()[0].strip() if (done.stdout + done.stderr).strip() else "wrk"


def run(url, headers, seconds, connections=32, threads=2, use_wrk=True):
    """Load `url` for `seconds` with `connections` open at once; the summary dict described above."""
    if use_wrk:
        return _run_wrk(url, headers, seconds, connections, threads)
    return _run_python(url, headers, seconds, min(connections, PYTHON_CONNECTIONS))


def _run_wrk(url, headers, seconds, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed on {url}: {done.stdout[-500:]} {done.stderr[-500:]}")
    raw = json.loads(lines[-1][len(MARKER) :])
    statuses = {str(status): count for status, count in sorted(raw["statuses"].items())}
    return _summary(raw["requests"], raw["duration_us"] / 1e6, statuses, raw["socket_errors"], raw["latency_us"])


def _summary(requests, seconds, statuses, socket_errors, latency_us):
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "statuses": statuses,
        "non_2xx": sum(count for status, count in statuses.items() if not 200 <= int(status) < 300),
        "socket_errors": socket_errors,
        "latency_ms": {name: round(value / 1000, 1) for name, value in latency_us.items()},
    }


class _Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.latencies = []
        self.errors = 0

    def add(self, status, seconds):
        with self.lock:
            self.statuses[str(status)] += 1
            self.latencies.append(seconds)

    def fail(self):
        with self.lock:
            self.errors += 1


def _run_python(url, headers, seconds, connections):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tally, started = _Tally(), time.perf_counter()
    deadline = started + seconds
    workers = [
        threading.Thread(target=_python_loop, args=(parts.hostname, parts.port, path, headers, deadline, tally))
        for _ in range(connections)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(tally.latencies) or [0.0]
    latency_us = {f"p{p}": latencies[min(len(latencies) - 1, len(latencies) * p // 100)] * 1e6 for p in PERCENTILES}
    latency_us.update(mean=sum(latencies) / len(latencies) * 1e6, max=latencies[-1] * 1e6)
    errors = {"connect": 0, "read": tally.errors, "write": 0, "timeout": 0}
    return _summary(len(tally.latencies), elapsed, dict(sorted(tally.statuses.items())), errors, latency_us)


def _python_loop(host, port, path, headers, deadline, tally):
    connection = None
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            connection = connection or http.client.HTTPConnection(host, port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            tally.fail()
            connection = None
            continue
        tally.add(response.status, time.perf_counter() - started)
        if response.will_close:
            connection.close()
            connection = None
