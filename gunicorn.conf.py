"""Gunicorn settings for the `web` process (Procfile, scripts/serve): command-line flags still set the rest.

With WORKER_IN_WEB=1 and REDIS_URL set, the gunicorn master (never its web workers, so there is exactly one)
starts supervise.py once it is ready: that keeps one RQ worker and the one RQ cron scheduler running beside the
web workers, so a whole shop fits one dyno. On shutdown the master stops it and waits for it: its children finish
their jobs first. Without Redis nothing is started, since jobs and periodic work already run in the web app.

The master imports the app once (preload_app) and warms it up (storefront.prefork: mappers, static files' manifest,
heap frozen) before forking the web workers, which share those pages copy-on-write instead of each building its
own copy. Each web worker then drops the database connections it inherited (it never uses the master's).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

# A little over supervise.py's own STOP_SECONDS, so its children are stopped before we give up on it.
SUPERVISOR_STOP_SECONDS = float(os.environ.get("WORKER_STOP_SECONDS", "25")) + 5
_supervisor = []
preload_app = True


def _loaded_shop(server):
    """The preloaded app when it is the shop; None for another app run with these settings (bench/hello.py, the
    hello world the benchmarks compare against, has no database to warm up or let go of)."""
    app = server.app.wsgi()
    return app if "sqlalchemy" in getattr(app, "extensions", {}) else None


def pre_fork(server, _worker):
    from storefront.prefork import warm_up_web

    if shop := _loaded_shop(server):
        warm_up_web(shop)


def post_fork(server, _worker):
    from storefront.prefork import dispose_inherited_connections

    if shop := _loaded_shop(server):
        dispose_inherited_connections(shop)


def worker_in_web():
    return os.environ.get("WORKER_IN_WEB", "").strip() == "1"


def when_ready(server):
    if not worker_in_web():
        return
    if not os.environ.get("REDIS_URL", "").strip():
        server.log.info("WORKER_IN_WEB=1 without REDIS_URL: jobs run in-process in the web app, no worker started")
        return
    here = Path(__file__).resolve().parent
    argv = [sys.executable, str(here / "supervise.py"), str(os.getpid())]
    _supervisor.append(subprocess.Popen(argv, cwd=here))
    server.log.info("WORKER_IN_WEB=1: started the worker supervisor (pid %s)", _supervisor[0].pid)


def on_exit(server):
    for process in _supervisor:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=SUPERVISOR_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.log.warning("the worker supervisor did not stop in time; killing it")
            process.kill()
