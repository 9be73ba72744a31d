"""Browser fixtures: headless Debian Chromium at /usr/bin/chromium (never a downloaded browser) driving the shop
served over HTTP from a thread. Without the browser the journeys are skipped locally, but fail in CI (the CI
variable is set), where a missing browser is a broken environment."""

import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser journey must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}: install the Debian chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_shop(app):
    """The app served over HTTP from a thread, with CSRF on as in production; yields its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    app.config.update(BASE_URL=base_url, WTF_CSRF_ENABLED=True, REDIS_URL=None)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-shop", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


# Runs in every document before its own scripts: records what the Content-Security-Policy blocked.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def page(browser, live_shop):
    context = browser.new_context(base_url=live_shop)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()
