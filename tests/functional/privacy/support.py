"""Helpers for the privacy tools' tests: shoppers with paid orders (a file downloaded, a parcel to ship)."""

import json

from sqlalchemy import select

from storefront.extensions import db
from storefront.legal.services import accept_registration_documents
from storefront.orders.models import Order
from tests.factories import make_user
from tests.functional.account.support import logged_in, paid_order
from tests.functional.checkout.support import physical
from tests.functional.downloads.support import download_url, ebook, entitlements_of


def shopper_with_orders(app, email, title):
    """A customer who bought an ebook (and downloaded it) and a print shipped to them: (user, shopper, order)."""
    user = make_user(email)
    accept_registration_documents(user)  # whichever documents the shop has published
    db.session.commit()
    shopper = logged_in(app, user)
    order = paid_order(shopper, ebook(f"{title} Guide"), physical(title=f"{title} Print"), email=email)
    [entitlement] = entitlements_of(order)
    assert shopper.client.get(download_url(entitlement), headers={"User-Agent": "TestBrowser/1.0"}).status_code == 302
    return user, shopper, order


def exported(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def order_row(order):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.id == order.id))
