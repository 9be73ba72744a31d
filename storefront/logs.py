"""Logging an operator can follow: every line carries the request id (and, inside a job, its order number).

A request keeps a sane incoming `X-Request-ID` (a router's, say) or gets a fresh one; the id goes back in the
response header, into every log record (a record factory adds `request_id` and `order_number`, so handlers and
pytest's caplog see them alike) and, through the job's RQ meta, into the worker's lines for jobs that request
queued. Production writes one JSON object a line (LOG_FORMAT=json); local runs write readable text.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar

from flask import g, request

REQUEST_ID_HEADER = "X-Request-ID"
# Short and safe to echo into headers and logs: a UUID, a router's hex id, nothing that could forge a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# The Stripe SDK logs every API call at INFO; an operator wants our business lines, not its chatter.
QUIET_LOGGERS = {"stripe": logging.WARNING}

request_id_var = ContextVar("request_id", default=None)
order_number_var = ContextVar("order_number", default=None)


def accept_request_id(incoming):
    """The incoming id when it is sane, else a fresh one."""
    if incoming and SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id():
    return request_id_var.get()


def bind(request_id=None, order_number=None):
    """Set what the following log lines carry; returns tokens for `unbind`."""
    return request_id_var.set(request_id), order_number_var.set(order_number)


def unbind(tokens):
    request_id_var.reset(tokens[0])
    order_number_var.reset(tokens[1])


def bind_order(number):
    """Name the order the current job works on: its remaining lines, and the job's done / failed line, carry it."""
    order_number_var.set(number)


def _install_record_factory():
    base = logging.getLogRecordFactory()
    if getattr(base, "storefront_context", False):
        return

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        record.request_id = request_id_var.get() or "-"
        record.order_number = order_number_var.get()
        return record

    factory.storefront_context = True
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and order_number, exception if any)."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if getattr(record, "order_number", None):
            entry["order_number"] = record.order_number
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def make_formatter(log_format):
    # The default covers records made without the factory (logging.makeLogRecord).
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


def configure_logging(app):
    """Install the context on every record, quiet noisy libraries and, when nothing else has set up logging (a
    bare `flask` command, gunicorn, the worker), log to stderr in LOG_FORMAT. Tag each request with its id."""
    _install_record_factory()
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(make_formatter(app.config["LOG_FORMAT"]))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    app.before_request(_start_request)
    app.after_request(_tag_response)
    app.teardown_request(_end_request)


def _start_request():
    g.request_id = accept_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.log_tokens = bind(g.request_id)


def _tag_response(response):
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _end_request(_error):
    tokens = g.pop("log_tokens", None)
    if tokens is not None:
        unbind(tokens)


def init_sentry(app):
    """Report errors to Sentry when SENTRY_DSN is set (web and worker both build the app here); nothing otherwise.

    No personal data is sent; each event is tagged with the request id so it can be matched to the logs."""
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.rq import RqIntegration

    environment = "production" if app.config["PRODUCTION"] else "development"
    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration(), RqIntegration()],
        environment=environment,
        send_default_pii=False,
        before_send=_tag_request_id,
    )


def _tag_request_id(event, _hint):
    event.setdefault("tags", {})["request_id"] = request_id_var.get() or "-"
    return event
