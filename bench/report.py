"""bench/run's verdicts and output: the issue's targets with pass or miss, a table on the terminal, and the whole
run as JSON under bench/results/."""

import json
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


@dataclass(frozen=True)
class Target:
    key: str
    # "ratio": req/s as a share of the hello world's, at least `goal`; "p95_ms": 95th percentile latency one request
    # at a time, under `goal`; "extra_mb": how much the web worker grew during the CSV export, under `goal`.
    measure: str
    goal: float

    def describe(self):
        return {
            "ratio": f">= {self.goal:.0%} of hello world",
            "p95_ms": f"p95 < {self.goal:g} ms",
            "extra_mb": f"< {self.goal:g} MB extra",
        }[self.measure]


TARGETS = (
    Target("catalogue", "ratio", 0.40),
    Target("catalogue_fragment", "ratio", 0.40),
    Target("catalogue_page_50", "ratio", 0.40),
    Target("product", "ratio", 0.40),
    Target("cart_fragment", "ratio", 0.60),
    Target("status_poll", "ratio", 0.70),
    Target("admin_orders_filtered", "p95_ms", 50),
    Target("admin_orders_searched", "p95_ms", 50),
    Target("csv_export", "extra_mb", 50),
)


def _value(results, target):
    if target.measure == "extra_mb":
        return results["csv_export"]["memory"]["extra_mb"]
    page = results["pages"][target.key]
    if target.measure == "ratio":
        return page["ratio"]
    alone = page["one_at_a_time"]
    return alone["latency_ms"]["p95"] if alone["requests"] else None  # not one request finished: no latency


def verdicts(results):
    """One dict per target: what it is, the value measured and whether it passed."""
    found = []
    for target in TARGETS:
        value = _value(results, target)
        passed = value is not None and (value >= target.goal if target.measure == "ratio" else value < target.goal)
        found.append({"key": target.key, "target": target.describe(), "value": value, "pass": passed})
    return found


def write(results, directory, stamp):
    """Write `results` as <stamp>.json (<stamp>-smoke.json for a smoke run) into `directory`; returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stamp}{'-smoke' if results['mode'] == 'smoke' else ''}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def lines(results):
    """The run as text: a row per page, then the export, memory and every target's verdict."""
    targets = {verdict["key"]: verdict for verdict in results["targets"]}
    out = [
        f"{'page (admin p95: one request at a time)':40} {'req/s':>8} {'hello':>8} {'ratio':>6} {'p95 ms':>7} "
        f"{'non-2xx':>7}  target"
    ]
    out += [_page_line(page, targets.get(key)) for key, page in results["pages"].items()]
    export = results["csv_export"]
    out.append(
        f"CSV export: {export['rows']:,} orders, {export['megabytes']} MB in {export['seconds']} s, web worker "
        f"+{export['memory']['extra_mb']} MB (from {export['memory']['rss_before_mb']} MB)  "
        f"{_verdict(targets['csv_export'])}"
    )
    out += [_memory_line(name, tree) for name, tree in results["memory"].items()]
    out.append(f"worker benchmark (bench/worker.py): {_worker_line(results['worker_bench'])}")
    return out + [f"note: {note}" for note in results["notes"]]


def _page_line(page, verdict):
    p95 = page.get("one_at_a_time", page["app"])["latency_ms"]["p95"]
    ratio = f"{page['ratio']:.0%}" if page["ratio"] is not None else "-"
    return (
        f"{page['label']:40} {page['app']['rps']:8.1f} {page['hello']['rps']:8.1f} {ratio:>6} {p95:7.1f} "
        f"{page['app']['non_2xx']:7d}  {_verdict(verdict)}"
    )


def _verdict(verdict):
    if verdict is None:
        return ""
    return f"{verdict['target']}: {'pass' if verdict['pass'] else 'MISS'}"


def _memory_line(name, tree):
    return f"memory of {name}: RSS {tree['rss_mb']} MB, PSS {tree['pss_mb']} MB in {len(tree['processes'])} processes"


def _worker_line(worker):
    if "skipped" in worker:
        return worker["skipped"]
    if "error" in worker:
        return f"failed: {worker['error']}"
    return "merged into the JSON under worker_bench"
