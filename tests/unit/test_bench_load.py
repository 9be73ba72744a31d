"""bench/load.py counts every response by status, with wrk or with its Python loop, so a redirect or an error in a
benchmark run shows as non-2xx instead of passing for a fast page."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load


class Handler(BaseHTTPRequestHandler):
    """200 for "/" when the request carries HX-Request (so a run that drops its headers shows), 302 for "/moved"."""

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/")
        else:
            self.send_response(200 if self.headers.get("HX-Request") == "true" else 400)
        body = b"hello"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk drops its connections when the time is up, mid-response


@pytest.fixture
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


TOOLS = [
    pytest.param(True, id="wrk", marks=pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")),
    pytest.param(False, id="python"),
]


@pytest.mark.parametrize("use_wrk", TOOLS)
def test_a_page_answering_200_counts_only_200s(server, use_wrk):
    result = load.run(f"{server}/", {"HX-Request": "true"}, 1, connections=4, threads=2, use_wrk=use_wrk)

    assert result["requests"] > 0 and result["rps"] > 0
    assert result["statuses"] == {"200": result["requests"]}
    assert result["non_2xx"] == 0
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p95"] <= result["latency_ms"]["max"]


@pytest.mark.parametrize("use_wrk", TOOLS)
def test_a_redirect_counts_as_non_2xx(server, use_wrk):
    result = load.run(f"{server}/moved", {}, 1, connections=2, threads=1, use_wrk=use_wrk)

    assert result["requests"] > 0
    assert result["statuses"] == {"302": result["requests"]}
    assert result["non_2xx"] == result["requests"]
