"""Every route of the app, fed hostile input by Hypothesis: integers past 32 and 64 bits, negative numbers, digits of
other scripts, control characters, NUL bytes and arbitrary text, in every known form field, query parameter and URL
segment. Whatever comes in, the shop answers below 500, and a request it refuses (4xx) writes nothing.

The routes come from the app's URL map, so a new route is fuzzed without touching this file; the fields are every
field of every form class plus the parameters views read from the request directly. Fields not fuzzed in an example
carry valid values, so a hostile value gets past the other checks to the code that would store or look it up."""

from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

from storefront.accounts.models import Role
from storefront.cart.models import CartItem
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.mail.models import EmailDelivery, OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import ADDRESS, GUEST_EMAIL, Shopper, physical
from tests.functional.downloads.support import ebook

# Ending the session would leave the rest of the run anonymous; logging out is tested on its own.
SKIPPED_ENDPOINTS = {"accounts.logout"}
# Read from the request by views directly, not through a form class.
DIRECT_PARAMETERS = {
    "next",
    "page",
    "number",
    "expires",
    "signature",
    "action",
    "q",
    "personalisation[Name]",
    "version_label",
    "List-Unsubscribe",
}

PAST_INT32 = st.integers(min_value=2**31 - 1, max_value=2**80)
NEGATIVE = st.integers(min_value=-(2**80), max_value=-1)
HUGE_NUMBERS = st.one_of(PAST_INT32, NEGATIVE, st.sampled_from([0, 2**31, 2**63, 2**64, 10**20])).map(str)
# Decimal digits of other scripts and superscripts: str.isdigit() says yes to all, int() to most.
OTHER_DIGITS = st.text(alphabet="٠١٢٣٩０３９۳߃१০௩²³¹", min_size=1, max_size=6)
CONTROL = st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=4)
WITH_CONTROL = st.tuples(st.sampled_from(["1", "/", "/cart/", GUEST_EMAIL, "SF-2026-"]), CONTROL).map("".join)
HOSTILE = st.one_of(HUGE_NUMBERS, OTHER_DIGITS, CONTROL, WITH_CONTROL, st.sampled_from(["\x00", "1\x00"]), st.text())


def form_field_names():
    """Every field of every form class the app defines."""
    forms, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        forms.add(cls)
        pending.extend(cls.__subclasses__())
    return {name for form in forms for name, value in vars(form).items() if isinstance(value, UnboundField)}


def routes(app):
    """(method, rule) for every GET and POST route of the app."""
    found = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED_ENDPOINTS
        for method in rule.methods & {"GET", "POST"}
    }
    return sorted(found)


# Tables written on refusal on purpose: refused webhook deliveries are kept for the admin (payments/failures.py).
REFUSAL_LOGS = {"webhook_failures"}


def row_counts():
    """Rows per table but the refusal logs, read on a connection of its own (requests commit in theirs)."""
    tables = [table for table in db.metadata.sorted_tables if table.name not in REFUSAL_LOGS]
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in tables}


class World:
    """A shop with something in every table a route reads: a guest with a cart and a paid order with a file, and an
    admin. Holds plain values only: requests run in sessions of their own."""

    def __init__(self, app):
        self.guest = app.test_client()
        shopper = Shopper(self.guest)
        book = ebook()
        order = shopper.place(book)
        shopper.pay(order)
        self.mug_id = physical(title="Mug").id
        self.admin = app.test_client()
        Shopper(self.admin).log_in(make_user(role=Role.ADMIN))
        self.valid_path_values = self._path_values(order, book)
        self.field_names = sorted(form_field_names() | DIRECT_PARAMETERS)
        self.valid_fields = {
            "product_id": str(self.mug_id),
            "quantity": "1",
            "email": GUEST_EMAIL,
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
            "number": order.number,
            "source": "cart",
            "action": "pay",
            **ADDRESS,
        }

    def refill_cart(self):
        """Put the mug back in the guest's cart (an earlier route may have emptied it) and aim item ids at it."""
        self.guest.post("/cart/add", data={"product_id": self.mug_id, "quantity": "1"})
        self.valid_path_values["item_id"] = db.session.scalar(select(CartItem.id).order_by(CartItem.id.desc()))

    def _path_values(self, order, book):
        first = db.session.scalar
        return {
            "item_id": None,
            "message_id": first(select(OutboxMessage.id)),
            "delivery_id": first(select(EmailDelivery.id)),
            "rendition_id": 1,
            "number": order.number,
            "token": first(select(DownloadEntitlement.token)),
            "session_id": order.gateway_session_id,
            "slug": book.slug,
            "key": "products/cover.jpg",
            "filename": "css/app.css",
        }


@pytest.fixture
def world(app):
    app.config["STRIPE_WEBHOOK_SECRET"] = "whsec_fuzz"  # unset, every webhook is a 503 by design
    return World(app)


def fill_path(rule, values):
    """`rule` with each `<converter:name>` replaced by values[name], quoted as a browser would."""
    path = rule
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            path = path.replace(f"<{converter}{name}>", quote(str(value), safe="/" if converter == "path:" else ""))
    return path


@st.composite
def hostile_request(draw, rule, world):
    """Path values and parameters for one request: valid ones, with a few swapped for hostile ones."""
    path_values = {
        name: draw(st.one_of(st.just(value), HOSTILE))
        for name, value in world.valid_path_values.items()
        if f"{name}>" in rule
    }
    hostile = draw(st.dictionaries(st.sampled_from(world.field_names), HOSTILE, min_size=1, max_size=4))
    client = draw(st.sampled_from([world.guest, world.admin]))
    return client, fill_path(rule, path_values), {**world.valid_fields, **hostile}


FUZZ_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_hostile_input_never_breaks_the_shop_or_writes_on_refusal(app, world, subtests):
    for method, rule in routes(app):
        world.refill_cart()
        with subtests.test(f"{method} {rule}"):
            attack(world, method, rule)


@FUZZ_SETTINGS
@given(data=st.data())
def attack(data, world, method, rule):
    """One route, many hostile requests: none is a 5xx, and none that is refused changes a table's row count."""
    client, path, params = data.draw(hostile_request(rule, world))
    before = row_counts()
    if method == "GET":
        response = client.get(path, query_string=params)
    else:
        response = client.post(path, query_string=params, data=params)
    assert response.status_code < 500, (method, path, params, response.status_code)
    if 400 <= response.status_code < 500:
        assert row_counts() == before, (method, path, params, response.status_code)
