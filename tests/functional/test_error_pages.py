"""When something goes wrong the shopper reads a friendly message, never a stack trace: a full page for a page load,
and for htmx a bare message sent to the page's message area (a button or poll that fails says why in place). A
server error shows the request id, which the log line of the failure carries too."""

import logging

import pytest

from storefront import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import make_user

HX = {"HX-Request": "true"}


@pytest.fixture
def broken_app(app):
    """The shop with one view that fails, answering as production does (the error is not raised into the test)."""

    def explode():
        raise RuntimeError("database password is hunter2")

    app.add_url_rule("/explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def missing(client, headers):
    return client.get("/products/no-such-product", headers=headers)


def forbidden(client, headers):
    make_user("shopper@example.com")
    client.post("/account/login", data={"email": "shopper@example.com", "password": "correct horse battery"})
    return client.get("/admin/", headers=headers)


def throttled(_client, headers):
    client = create_app({**TEST_SETTINGS, "RATELIMIT_ENABLED": True}).test_client()
    for _ in range(10):
        client.post("/account/login", data={"email": "ada@example.com", "password": "wrong"})
    return client.post("/account/login", data={"email": "ada@example.com", "password": "wrong"}, headers=headers)


def server_error(client, headers):
    return client.get("/explode", headers=headers)


ERRORS = [
    (missing, 404, "We could not find that page."),
    (forbidden, 403, "You do not have access to this page."),
    (throttled, 429, "Too many requests. Please wait a moment and try again."),
    (server_error, 500, "Sorry, something went wrong on our side."),
]
IDS = [str(status) for _, status, _ in ERRORS]


@pytest.mark.parametrize("cause, status, message", ERRORS, ids=IDS)
def test_an_htmx_request_gets_the_message_for_the_message_area(broken_app, cause, status, message):
    response = cause(broken_app.test_client(), HX)
    body = response.get_data(as_text=True)

    assert response.status_code == status
    assert message in body
    assert "<html" not in body and "<h1>" not in body
    assert response.headers["HX-Retarget"] == "#messages"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("cause, status, message", ERRORS, ids=IDS)
def test_a_page_load_gets_a_full_friendly_page(broken_app, cause, status, message):
    response = cause(broken_app.test_client(), {})
    body = response.get_data(as_text=True)

    assert response.status_code == status
    assert "<html" in body and message in body and "Back to the shop" in body
    assert "HX-Retarget" not in response.headers


def test_the_page_the_message_is_sent_to_has_the_message_area_and_swaps_these_codes(client):
    body = client.get("/").get_data(as_text=True)

    assert 'id="messages"' in body
    assert '{"code":"403|404|405|413|429|500","swap":true,"error":true}' in body


def test_a_throttled_htmx_request_still_says_when_to_try_again(broken_app):
    assert int(throttled(None, HX).headers["Retry-After"]) > 0


def test_a_validation_error_stays_where_the_form_is(client):
    response = client.post("/account/login", data={"email": "ada@example.com"}, headers=HX)

    assert response.status_code == 422
    assert "HX-Retarget" not in response.headers


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_server_error_shows_no_trace_and_the_request_id_that_the_log_names(broken_app, caplog, headers):
    response = broken_app.test_client().get("/explode", headers={**headers, "X-Request-ID": "support-ticket-0042"})
    body = response.get_data(as_text=True)

    assert response.status_code == 500
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert "support-ticket-0042" in body
    [logged] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert logged.request_id == "support-ticket-0042"
    assert logged.exc_info[0] is RuntimeError
