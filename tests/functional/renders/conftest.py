"""Fixtures for render tests: personalised products, a shopper who buys them, and a real RQ queue."""

import pytest

from storefront.extensions import db
from tests.factories import make_product
from tests.functional.renders.support import STAR_MAP_FIELD, buy_personalised


@pytest.fixture
def personalised():
    """A published digital product rendered per order: make(template, fields)."""

    def make(template="certificate_pdf", fields=(STAR_MAP_FIELD,), title="Personalised Star Map"):
        product = make_product(title=title, price_cents=1900, with_image=False)
        product.render_template = template
        product.buyer_fields = list(fields)
        db.session.commit()
        return product

    return make


@pytest.fixture
def paid_order(shopper):
    """Buy `product` with `personalisation` (label -> text) through the real pages and pay for it."""

    def buy(product, personalisation):
        return buy_personalised(shopper, product, personalisation)

    return buy


@pytest.fixture
def queue(app, rq_queue):
    """The test's own queue, retrying twice without waiting."""
    app.config["JOB_RETRY_INTERVALS"] = [0, 0]
    return rq_queue
