"""Stand-ins for Stripe in tests.

- `FakeStripeCheckout`: a tiny HTTP server on 127.0.0.1 answering Stripe's Checkout Session endpoints
  (`POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/<id>`, `POST /v1/checkout/sessions/<id>/expire`),
  which localstripe lacks.
  It records every request's form parameters (decoded into nested dicts and lists, as Stripe reads them)
  and its Idempotency-Key header. Set `fail_with = 500` to make it answer with an API error, or `delay` (seconds)
  to make it hang before answering.
- `event`, `checkout_session`, `charge` and `signed`: Stripe-shaped event payloads and their signature header.
"""

import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import stripe

WEBHOOK_SECRET = "whsec_test"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _key_path(flat_key):
    head, *rest = flat_key.split("[", 1)
    return [head, *re.findall(r"([^\[\]]*)\]", "[" + rest[0])] if rest else [head]


def _lists_from_indexed_dicts(value):
    if not isinstance(value, dict):
        return value
    value = {key: _lists_from_indexed_dicts(item) for key, item in value.items()}
    if value and all(key.isdigit() for key in value):
        return [value[key] for key in sorted(value, key=int)]
    return value


def decode_form(body):
    """Stripe's form encoding (`line_items[0][price_data][currency]=usd`) back into nested dicts and lists."""
    nested = {}
    for flat_key, value in parse_qsl(body, keep_blank_values=True):
        *parents, leaf = _key_path(flat_key)
        node = nested
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return _lists_from_indexed_dicts(nested)


@dataclass
class RecordedRequest:
    path: str
    params: dict
    idempotency_key: str | None


@dataclass
class FakeStripeCheckout:
    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict = field(default_factory=dict)
    fail_with: int | None = None
    delay: float = 0
    refunds_by_key: dict = field(default_factory=dict)
    coupons: dict = field(default_factory=dict)
    promotion_codes_by_key: dict = field(default_factory=dict)
    # A message to refuse every new refund with (Stripe's invalid_request_error), e.g. "Refund exceeds charge".
    refuse_refunds: str | None = None

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    @property
    def created(self):
        return [request for request in self.requests if request.path == "/v1/checkout/sessions"]

    def create_session(self, params):
        session_id = f"cs_test_{secrets.token_hex(12)}"
        items = params.get("line_items", [])
        amount = sum(int(item["price_data"]["unit_amount"]) * int(item["quantity"]) for item in items)
        shipping = sum(
            int(option["shipping_rate_data"]["fixed_amount"]["amount"])
            for option in params.get("shipping_options", [])[:1]
        )
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount + shipping,
            "currency": items[0]["price_data"]["currency"] if items else None,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "expires_at": int(params["expires_at"]) if "expires_at" in params else int(time.time()) + 86400,
            "payment_intent": None,
        }
        self.sessions[session_id] = session
        return session

    def expire_session(self, session_id):
        session = self.sessions.get(session_id)
        if session is None or session["status"] != "open":
            return None
        session["status"] = "expired"
        return session

    def create_refund(self, params, idempotency_key):
        """Stripe's POST /v1/refunds: a key seen before answers with the refund it made then (no second refund)."""
        if idempotency_key in self.refunds_by_key:
            return 200, self.refunds_by_key[idempotency_key]
        if self.refuse_refunds:
            return 400, _error(self.refuse_refunds)
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": int(params["amount"]),
            "payment_intent": params.get("payment_intent"),
            "metadata": params.get("metadata", {}),
            "status": "succeeded",
        }
        self.refunds_by_key[idempotency_key] = refund
        return 200, refund

    @property
    def refunds(self):
        return list(self.refunds_by_key.values())

    def create_coupon(self, params, idempotency_key):
        coupon = {"id": f"co_{secrets.token_hex(8)}", "object": "coupon", **params}
        return 200, self.coupons.setdefault(idempotency_key, coupon)

    def create_promotion_code(self, params, idempotency_key):
        if idempotency_key in self.promotion_codes_by_key:
            return 200, self.promotion_codes_by_key[idempotency_key]
        promotion = {"id": f"promo_{secrets.token_hex(8)}", "object": "promotion_code", **params}
        promotion["active"] = params.get("active", "true") == "true"
        self.promotion_codes_by_key[idempotency_key] = promotion
        return 200, promotion

    def update_promotion_code(self, promotion_id, params):
        found = [p for p in self.promotion_codes_by_key.values() if p["id"] == promotion_id]
        if not found:
            return 404, _error(f"No such promotion code: '{promotion_id}'")
        found[0]["active"] = params.get("active") == "true"
        return 200, found[0]

    @property
    def promotion_codes(self):
        return list(self.promotion_codes_by_key.values())

    def complete_session(self, session_id, payment_status="paid"):
        """The shopper pays on Stripe's page: the session is complete and can no longer be expired."""
        self.sessions[session_id].update(status="complete", payment_status=payment_status)
        return self.sessions[session_id]


def _error(message, error_type="invalid_request_error"):
    return {"error": {"type": error_type, "message": message}}


POST_BY_KEY = {
    "/v1/refunds": "create_refund",
    "/v1/coupons": "create_coupon",
    "/v1/promotion_codes": "create_promotion_code",
}


def _post(fake, path, params, idempotency_key=None):
    """(status, payload) for the POST endpoints: create a session, expire one, refund."""
    if fake.fail_with:
        return fake.fail_with, _error("Something went wrong on Stripe's end.", "api_error")
    if path == "/v1/checkout/sessions":
        return 200, fake.create_session(params)
    if path in POST_BY_KEY:
        return getattr(fake, POST_BY_KEY[path])(params, idempotency_key)
    promotion = re.fullmatch(r"/v1/promotion_codes/([^/]+)", path)
    if promotion:
        return fake.update_promotion_code(promotion.group(1), params)
    expire = re.fullmatch(r"/v1/checkout/sessions/([^/]+)/expire", path)
    if not expire:
        return 404, _error(f"Unrecognized request URL (POST: {path}).")
    session = fake.expire_session(expire.group(1))
    return (200, session) if session is not None else (400, _error("Only open sessions can be expired."))


def _retrieve(fake, path):
    """(status, payload) for `GET /v1/checkout/sessions/<id>`."""
    if fake.fail_with:
        return fake.fail_with, _error("Something went wrong on Stripe's end.", "api_error")
    found = re.fullmatch(r"/v1/checkout/sessions/([^/?]+)", path)
    if found and found.group(1) in fake.sessions:
        return 200, fake.sessions[found.group(1)]
    return 404, _error(f"No such checkout.session: {path.rsplit('/', 1)[-1]}")


def _handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = decode_form(body)
            fake.requests.append(RecordedRequest(self.path, params, self.headers.get("Idempotency-Key")))
            time.sleep(fake.delay)
            return self._reply(*_post(fake, self.path, params, self.headers.get("Idempotency-Key")))

        def do_GET(self):  # noqa: N802
            fake.requests.append(RecordedRequest(self.path, {}, None))
            return self._reply(*_retrieve(fake, self.path))

        def _reply(self, status, payload):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


# Events


def event(event_type, data_object, event_id=None):
    """A Stripe event envelope around `data_object`."""
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": data_object},
    }


def checkout_session(order, payment_status="paid", payment_intent=None, shipping_details=None, **overrides):
    """A Checkout Session object as Stripe sends it for `order`'s session."""
    session = {
        "id": order.gateway_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete" if payment_status != "unpaid" else "open",
        "payment_status": payment_status,
        "client_reference_id": order.number,
        "metadata": {"order_id": str(order.id), "order_number": order.number},
        "amount_total": order.total_cents,
        "currency": order.currency.lower(),
        "payment_intent": payment_intent or f"pi_{order.number}",
        "customer_details": {"email": order.email},
        "collected_information": {"shipping_details": shipping_details} if shipping_details else None,
    }
    return {**session, **overrides}


def charge(payment_intent, amount, amount_refunded, currency="usd", charge_id=None):
    """A Charge object as a `charge.refunded` event carries it: `amount_refunded` is the running total."""
    return {
        "id": charge_id or f"ch_{payment_intent}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": currency,
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def signed(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The raw body and the Stripe-Signature header Stripe would send with it."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return body, {"Stripe-Signature": header, "Content-Type": "application/json"}
