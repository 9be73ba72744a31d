"""Runs the background processes inside the web dyno when WORKER_IN_WEB=1 (see gunicorn.conf.py, which starts it).

It keeps exactly one RQ worker (`worker.py`, with RQ's scheduler for retries) and one RQ cron scheduler
(`python -m storefront.cron_lease`, which enqueues only while it holds the queue's lease, so several web dynos doing
this schedule each periodic job once) running: a child that exits unexpectedly is started again after a back-off
(1 s, doubling to 60 s; reset once it has stayed up a minute). SIGTERM or SIGINT stops it cleanly: each child gets one
SIGTERM (the worker's warm shutdown finishes its job), is waited for up to STOP_SECONDS, then killed.

The children run in their own session, so a platform's SIGTERM to the dyno's process group reaches them once,
through here, and never twice (a second SIGTERM would be RQ's cold shutdown, killing the job). If the gunicorn
master disappears without stopping us (kill -9), we notice our new parent and stop the children too.

This file imports neither the app nor RQ: it stays a few megabytes on a 512 MB dyno.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STOP_SECONDS = float(os.environ.get("WORKER_STOP_SECONDS", "25"))
FIRST_BACKOFF, MAX_BACKOFF, STEADY_SECONDS = 1.0, 60.0, 60.0
TICK_SECONDS = 0.5


def commands():
    """The processes to keep running, by name: the worker (without its own cron child) and the one cron."""
    worker_env = {**os.environ, "RUN_CRON": "0"}
    cron = [sys.executable, "-m", "storefront.cron_lease"]
    return {"worker": ([sys.executable, "worker.py"], worker_env), "cron": (cron, dict(os.environ))}


class Child:
    """One supervised process: started, restarted with back-off after an unexpected exit, stopped on request."""

    def __init__(self, name, argv, env):
        self.name, self.argv, self.env = name, argv, env
        self.process, self.started_at, self.backoff, self.due_at = None, 0.0, FIRST_BACKOFF, 0.0

    def start(self):
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=HERE, start_new_session=True)
        self.started_at = time.monotonic()
        log(f"started {self.name} (pid {self.process.pid})")

    def check(self, now):
        """Start the process when it is due, or schedule a restart if it has exited."""
        if self.process is None:
            if now >= self.due_at:
                self.start()
            return
        status = self.process.poll()
        if status is None:
            return
        self.kill_leftovers()
        if now - self.started_at >= STEADY_SECONDS:
            self.backoff = FIRST_BACKOFF
        self.due_at, self.process = now + self.backoff, None
        log(f"{self.name} exited with status {status}; starting it again in {self.backoff:g} s")
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def kill_leftovers(self):
        """Kill what the exited child left in its process group: a dead worker's scheduler child would otherwise
        live on holding the worker's Redis connection, whose pending wait for a job would swallow the next one."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def terminate(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_or_kill(self, deadline):
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            log(f"{self.name} did not stop within {STOP_SECONDS:g} s; killing it")
            self.process.kill()
            self.process.wait()
        self.kill_leftovers()


def log(message):
    print(f"storefront supervisor: {message}", file=sys.stderr, flush=True)


def supervise(children, parent_pid):
    """Keep `children` running until SIGTERM/SIGINT or the parent is gone, then stop them all."""
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    while not stopping and os.getppid() == parent_pid:
        now = time.monotonic()
        for child in children:
            child.check(now)
        time.sleep(TICK_SECONDS)
    stop(children)


def stop(children):
    log("stopping background processes")
    for child in children:
        child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        child.wait_or_kill(deadline)


def main():
    parent_pid = int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid()
    children = [Child(name, argv, env) for name, (argv, env) in commands().items()]
    supervise(children, parent_pid)


if __name__ == "__main__":
    main()
