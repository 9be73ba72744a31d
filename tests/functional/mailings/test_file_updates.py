"""A new version of a deliverable: every earlier buyer's library offers it with its label and date, downloads count
afresh only when the product says so, and the admin's "email buyers" sends one notice per buyer and version, to
buyers only (not refunded ones, not unsubscribed ones)."""

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product, ProductFile
from storefront.extensions import db
from storefront.mail.models import DeliveryStatus
from storefront.mailings.file_updates import send_version_notices
from tests.factories import make_user
from tests.functional.account.support import LIBRARY, logged_in, paid_order
from tests.functional.downloads.support import download_url, ebook, entitlements_of
from tests.functional.mailings.support import (
    ONE_CLICK,
    admin_browser,
    buyer,
    deliveries,
    notify,
    outbox,
    refund_in_full,
    replace,
    text,
    unsubscribe_path,
)

SUBJECT = "A new version of Harbour Birds"


@pytest.fixture
def admin(app):
    return admin_browser(app)


@pytest.fixture
def product(app):
    return ebook()


def the_file(product):
    db.session.expire_all()
    return db.session.scalar(select(ProductFile).where(ProductFile.product_id == product.id))


def test_notice_goes_once_to_each_buyer_and_never_to_others(app, admin, product):
    buyer(app, product, "ann@example.com")
    buyer(app, product, "bob@example.com")
    _, refunded = buyer(app, product, "rae@example.com")
    refund_in_full(refunded)
    buyer(app, ebook(title="Other Book"), "nia@example.com")  # bought something else
    assert replace(admin, the_file(product)).status_code == 200

    first = notify(admin, the_file(product))
    send_version_notices(the_file(product).id, 2)  # the job run again, directly
    again = notify(admin, the_file(product))

    assert first.status_code == again.status_code == 200
    assert [len(outbox(address, SUBJECT)) for address in ("ann@example.com", "bob@example.com")] == [1, 1]
    assert outbox("rae@example.com", SUBJECT) == [] and outbox("nia@example.com", SUBJECT) == []
    assert "Version 2 emails: 0 queued · 2 sent" in text(again)
    [message] = outbox("ann@example.com", SUBJECT)
    assert "version 2 (Second edition)" in message.text_body
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(f"{unsubscribe_path(message)}>")


def test_a_new_version_is_noticed_again_but_an_unsubscribed_buyer_is_skipped(app, admin, product):
    buyer(app, product, "ann@example.com")
    buyer(app, product, "bob@example.com")
    replace(admin, the_file(product))
    notify(admin, the_file(product))
    [message] = outbox("ann@example.com", SUBJECT)

    stranger = app.test_client()  # no login: the link alone is enough
    assert "Stop sending" in text(stranger.get(unsubscribe_path(message)))
    assert stranger.post(unsubscribe_path(message), data=ONE_CLICK).status_code == 200
    replace(admin, the_file(product), label="Third edition")
    page = notify(admin, the_file(product))

    assert len(outbox("ann@example.com", SUBJECT)) == 1
    assert len(outbox("bob@example.com", SUBJECT)) == 2
    skipped = [d.to_address for d in deliveries("file_update") if d.status == DeliveryStatus.SKIPPED]
    assert skipped == ["ann@example.com"]
    assert "Version 3 emails: 0 queued · 1 sent · 1 skipped" in text(page)


def test_the_library_offers_the_newest_version_with_its_label_and_date(app, admin, product):
    user = make_user("lib@example.com")
    paid_order(logged_in(app, user), product, email=user.email)
    shopper = logged_in(app, user)
    assert "Version 2" not in text(shopper.client.get(LIBRARY))

    replace(admin, the_file(product), name="birds-2e.pdf", label="Second edition")

    page = text(shopper.client.get(LIBRARY))
    assert "birds-2e.pdf" in page and "harbour-birds.pdf" not in page
    assert "Version 2 · Second edition · updated" in page
    [entitlement] = entitlements_of(_order_of(user))
    assert shopper.client.get(download_url(entitlement)).status_code in (200, 302)


def _order_of(user):
    from storefront.orders.models import Order

    return db.session.scalar(select(Order).where(Order.user_id == user.id))


@pytest.mark.parametrize(("fresh", "count_after"), [(True, 0), (False, 1)])
def test_downloads_count_afresh_only_when_the_product_says_so(app, admin, product, fresh, count_after):
    shopper, order = buyer(app, product, "ann@example.com")
    [entitlement] = entitlements_of(order)
    shopper.client.get(download_url(entitlement))
    [entitlement] = entitlements_of(order)
    old_expiry = entitlement.expires_at
    assert entitlement.download_count == 1
    db.session.get(Product, product.id).fresh_downloads_on_update = fresh
    db.session.commit()

    replace(admin, the_file(product))

    [entitlement] = entitlements_of(order)
    assert entitlement.download_count == count_after
    assert (entitlement.expires_at > old_expiry) is fresh
    assert entitlement.file_name == "harbour-birds-2e.pdf"


def test_the_fresh_download_setting_is_saved_from_the_product_form(admin, product):
    form = {"title": product.title, "slug": product.slug, "price": "15.00", "kind": "digital"}
    admin.post(f"/admin/products/{product.id}", data={**form, "fresh_downloads_on_update": "1"})
    db.session.expire_all()
    assert db.session.get(Product, product.id).fresh_downloads_on_update is True
    assert 'name="fresh_downloads_on_update" value="1" checked' in text(admin.get(f"/admin/products/{product.id}"))
    admin.post(f"/admin/products/{product.id}", data=form)
    db.session.expire_all()
    assert db.session.get(Product, product.id).fresh_downloads_on_update is False


def test_a_version_label_that_is_too_long_is_refused(admin, product):
    response = replace(admin, the_file(product), label="x" * 81)
    assert response.status_code == 422
    assert "at most 80 characters" in text(response)
    assert the_file(product).version == 1


def test_a_notice_for_an_outdated_version_sends_nothing(app, admin, product):
    buyer(app, product, "ann@example.com")
    replace(admin, the_file(product))
    replace(admin, the_file(product), label="Third")
    assert send_version_notices(the_file(product).id, 2) == 0
    assert outbox("ann@example.com", SUBJECT) == []


def test_a_file_never_replaced_has_no_notice_to_send(app, admin, product):
    buyer(app, product, "ann@example.com")
    response = notify(admin, the_file(product))
    assert response.status_code == 422 and "no new version yet" in text(response)
    assert outbox("ann@example.com", SUBJECT) == []
