"""The processes bench/run measures, started from the Procfile's own lines (the shop's web and worker, and the hello
world under the web line's gunicorn settings), and their memory as /proc reports it."""

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_MODULE = "wsgi:app"
HELLO_MODULE = "bench.hello:app"
MB = 1024 * 1024


def procfile_line(name):
    """The command of one Procfile process type (web, worker, release)."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:
            return command.strip()
    raise LookupError(f"the Procfile has no {name} line")


def hello_command():
    """The Procfile's web line serving the hello world instead of the shop: same gunicorn flags and config file."""
    web = procfile_line("web")
    if APP_MODULE not in web:
        raise LookupError(f"the Procfile's web line does not serve {APP_MODULE}: {web}")
    return web.replace(APP_MODULE, HELLO_MODULE)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command, env, log_path):
    """Run `command` as a Procfile line (through bash, in its own process group), output to `log_path`."""
    log = open(log_path, "wb")  # the child writes to it for as long as it runs
    return subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(url, process, seconds=120):
    """Wait until `url` answers 200; raises RuntimeError if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


def stop(processes, seconds=30):
    """SIGTERM each (gunicorn and the RQ worker shut down warmly, all at once), then SIGKILL any group that lingers."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.wait()


def children(pid):
    """The live child processes of `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def descendants(pid):
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in children(parent)]
        found.extend(frontier)
    return found


def _rollup(pid):
    """(RSS, PSS) in bytes from /proc/<pid>/smaps_rollup; (0, 0) for a process that has gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name] = int(rest.split()[0]) * 1024
    except OSError:
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def _command(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()[:120]
    except OSError:
        return ""


def tree_memory(pid):
    """RSS and PSS of `pid` and every process below it, each and in all (PSS shares pages fairly, so its sum is what
    the tree costs; the RSS sum counts shared pages once per process)."""
    processes = []
    for each in [pid, *descendants(pid)]:
        rss, pss = _rollup(each)
        processes.append({"pid": each, "command": _command(each), "rss_mb": _mb(rss), "pss_mb": _mb(pss)})
    return {
        "processes": processes,
        "rss_mb": round(sum(p["rss_mb"] for p in processes), 1),
        "pss_mb": round(sum(p["pss_mb"] for p in processes), 1),
    }


def _mb(size):
    return round(size / MB, 1)


def _status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory:
    """The most each of some processes grew (resident memory above where it started) while the block ran: the
    kernel's high-water mark, reset first through clear_refs, checked against samples taken every 10 ms."""

    def __init__(self, pids):
        self.pids = pids
        self.start = {pid: _status_kb(pid, "VmRSS") for pid in pids}
        self.peak = dict(self.start)
        self._done = threading.Event()

    def __enter__(self):
        for pid in self.pids:
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak RSS (VmHWM)
            except OSError:
                pass
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self):
        while not self._done.wait(0.01):
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], _status_kb(pid, "VmRSS"))

    def __exit__(self, *_exc):
        self._done.set()
        self._sampler.join()
        for pid in self.pids:
            self.peak[pid] = max(self.peak[pid], _status_kb(pid, "VmHWM"))

    def report(self):
        """The process that grew most: its pid, resident memory before and the growth, in MB."""
        pid = max(self.pids, key=lambda each: self.peak[each] - self.start[each])
        return {
            "pid": pid,
            "rss_before_mb": round(self.start[pid] / 1024, 1),
            "peak_rss_mb": round(self.peak[pid] / 1024, 1),
            "extra_mb": round((self.peak[pid] - self.start[pid]) / 1024, 1),
        }
