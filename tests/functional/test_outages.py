"""A shop whose Redis is unreachable keeps selling (jobs wait as records, the throttle fails open, /healthz says
so); a shop whose database is unreachable answers a plain 503 page."""

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from storefront import create_app
from storefront.cart.models import CartItem
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.orders.status import OrderStatus
from tests.conftest import TEST_SETTINGS, RequestPerContextClient
from tests.factories import make_user
from tests.functional.checkout.support import Shopper, digital, page_text, physical

# Nothing listens on port 1, so connecting fails at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
UNREACHABLE_POSTGRES = "postgresql+psycopg://shop@127.0.0.1:1/shop"


@pytest.fixture
def shop_without_redis(app):
    """The suite's database, a Redis that does not answer, and throttling on, as in production."""
    shop = create_app({**TEST_SETTINGS, "REDIS_URL": UNREACHABLE_REDIS, "RATELIMIT_ENABLED": True})
    shop.test_client_class = RequestPerContextClient
    with shop.app_context():
        yield shop
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser(shop_without_redis):
    return Shopper(shop_without_redis.test_client())


def test_catalogue_product_cart_and_account_pages_work_without_redis(browser):
    product = physical(title="Harbour at dusk")
    customer = make_user(email="ada@example.com")
    client = browser.client

    assert "Harbour at dusk" in page_text(client.get("/"))
    assert "Harbour at dusk" in page_text(client.get(f"/products/{product.slug}"))
    assert browser.add(product).status_code == 303
    assert "Harbour at dusk" in page_text(client.get("/cart/"))
    assert client.get("/account/login").status_code == 200
    assert browser.log_in(customer).status_code == 302
    assert "ada@example.com" in page_text(client.get("/account/"))


def test_a_paid_order_keeps_its_emails_and_files_as_pending_records_and_says_they_may_be_late(browser):
    order = browser.place(digital(title="Harbour birds"))

    response = browser.pay(order)
    page = page_text(browser.client.get(response.headers["Location"]))

    assert order.status == OrderStatus.PAID
    pending = db.session.scalars(select(JobRecord.func_path).where(JobRecord.state == JobState.PENDING.value)).all()
    assert "storefront.mail.tasks.deliver_email" in pending
    assert "may arrive a few minutes late" in page


def test_health_says_redis_is_down_and_keeps_the_shop_in_rotation(shop_without_redis):
    response = shop_without_redis.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "down"}


@pytest.fixture
def shop_without_database(app):
    settings = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_POSTGRES, "SQLALCHEMY_ENGINE_OPTIONS": {}}
    return create_app(settings)


@pytest.mark.parametrize("url", ["/", "/products/harbour-at-dusk", "/?q=harbour"])
def test_pages_answer_a_plain_503_while_the_database_is_unreachable(shop_without_database, url):
    response = shop_without_database.test_client().get(url)

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "temporarily unavailable" in page_text(response)
    assert "OperationalError" not in page_text(response) and "127.0.0.1" not in page_text(response)


def test_a_form_post_while_the_database_is_unreachable_answers_503(shop_without_database):
    response = shop_without_database.test_client().post("/cart/add", data={"product_id": 1, "quantity": 1})

    assert response.status_code == 503


def test_a_database_lost_at_commit_writes_nothing_and_the_next_request_works(client, monkeypatch):
    product = physical(title="Harbour at dusk")
    real_commit = Session.commit

    def lost(session):
        monkeypatch.setattr(Session, "commit", real_commit)
        raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "commit", lost)
    response = client.post("/cart/add", data={"product_id": product.id, "quantity": 1})

    assert response.status_code == 503
    assert db.session.scalar(select(func.count(CartItem.id))) == 0
    assert "Harbour at dusk" in page_text(client.get("/"))


def test_login_guessing_is_still_throttled_in_memory_while_redis_is_down(browser):
    customer = make_user(email="ada@example.com")
    guesses = [browser.log_in(customer, password="wrong password").status_code for _ in range(11)]

    assert guesses == [422] * 10 + [429]
