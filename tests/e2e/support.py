"""Helpers for the browser journeys: what the page ran under, and whether it was reloaded."""

# The status fragment polls every 2 s; allow a few rounds for a slow machine.
SETTLE_TIMEOUT_MS = 10_000


def assert_policy_held(page):
    """The page ran under the shop's CSP and the browser blocked nothing: htmx works without eval or inline style."""
    policy = page.evaluate("fetch(location.href).then((r) => r.headers.get('content-security-policy'))")
    assert policy and "script-src 'self'" in policy
    assert page.evaluate("window.cspViolations") == []
    assert [text for text in page.console_errors if "Content Security Policy" in text] == []


def mark_page(page):
    """Tag the loaded document; the tag survives htmx swaps but not a reload or navigation."""
    page.evaluate("window.journeyMarker = 'still-here'")


def assert_not_reloaded(page, url):
    assert page.url == url
    assert page.evaluate("window.journeyMarker") == "still-here"
