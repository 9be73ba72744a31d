"""Helpers for the scale-out tests: one shopper's browser talking to several web servers, and the shop's processes
started as a platform starts them."""

import contextlib
import os
import re
import signal
import subprocess
import time
from html import unescape
from itertools import cycle

import requests

from tests.production import PROJECT_ROOT, procfile

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    """One shopper's browser: one cookie jar, every request to whichever server `via` names (cookies are per host,
    not per port, so both servers on 127.0.0.1 see the same cookies, as two dynos behind one domain do)."""

    def __init__(self, servers):
        self.servers = servers
        self.session = requests.Session()
        self.token = None

    def get(self, via, path, **kwargs):
        response = self._send("GET", via, path, **kwargs)
        found = CSRF_META.search(response.text)
        if found:
            self.token = unescape(found.group(1))
        return response

    def post(self, via, path, data=None, **kwargs):
        return self._send("POST", via, path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def _send(self, method, via, path, headers=None, **kwargs):
        # The shop marks its cookies Secure (production): behind the platform's TLS proxy the browser sends them
        # back. Here the servers speak plain HTTP on loopback, where the jar keeps them but would not send them.
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)
        headers = {**(headers or {}), **({"Cookie": cookies} if cookies else {})}
        url = self.servers[via] + path
        return self.session.request(method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs)


def alternate(servers):
    """ "A", "B", "A", … for spreading requests over the servers."""
    return cycle(sorted(servers))


def start(process_type, env, log_path):
    """Start the Procfile's `process_type` line through a shell, in a process group of its own; output to log_path."""
    log = log_path.open("w")
    command = ["bash", "-c", f"exec {procfile()[process_type]}"]
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(processes, seconds=30):
    """SIGTERM to each (a platform's stop, all at once), then kill the process groups still there after `seconds`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_until(condition, seconds=30, interval=0.2):
    """Poll `condition` until it returns something truthy (returned) or `seconds` pass (None)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return None
