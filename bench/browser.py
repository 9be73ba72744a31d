"""Just enough of a browser for bench/run to get the cookies wrk then sends: a visitor's session, and the sessions
of an admin and a shopper logged in through the real login form (CSRF token included)."""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Keeps the cookies the server sets (Secure ones too: production marks them so, and we talk plain HTTP)."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body as text) of one request, remembering any cookie it sets."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers={**self.headers(), **(headers or {})})
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def headers(self):
        """The Cookie header this browser sends, as a dict (empty before any cookie was set)."""
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def log_in(self, email, password):
        """Log in through /account/login; raises RuntimeError unless the form accepts it (a redirect)."""
        status, _, page = self.request("GET", "/account/login")
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"the login page answered {status} without a CSRF token")
        form = urlencode({"email": email, "password": password, "csrf_token": token.group(1)})
        status, _, _ = self.request(
            "POST", "/account/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status not in (302, 303):
            raise RuntimeError(f"logging in as {email} answered {status}, not a redirect")
        return self
