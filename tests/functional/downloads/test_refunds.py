"""A refund takes back the files of the refunded items only. Stripe's charge.refunded names an amount, not items:
a full refund revokes every file of the order, a partial one revokes nothing by itself; refunding particular items
revokes just theirs (revoke_entitlements), and the other items keep downloading."""

import pytest

from storefront import jobs
from storefront.accounts.models import Role
from storefront.downloads.services import grant_file, revoke_entitlements
from storefront.orders.status import OrderStatus
from tests import stripe_fake
from tests.factories import make_user
from tests.functional.checkout.support import Shopper, page_text
from tests.functional.downloads.support import GUIDE_PDF, MAPS_ZIP, download_url, ebook, entitlements_of
from tests.functional.payments.conftest import stripe_app, webhook  # noqa: F401  (fixtures used below)
from tests.functional.payments.support import place_stripe_order, reload


@pytest.fixture
def two_ebooks(stripe_app):  # noqa: F811
    return (
        ebook("Harbour Birds", files=(("harbour-birds.pdf", GUIDE_PDF, "application/pdf"),)),
        ebook("Coast Atlas", files=(("coast-atlas.zip", MAPS_ZIP, "application/zip"),)),
    )


@pytest.fixture
def paid_stripe_order(webhook, two_ebooks):  # noqa: F811
    order = place_stripe_order((two_ebooks[0], 1), (two_ebooks[1], 1))
    webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order, "paid")))
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(entitlements_of(order)) == 2
    return order


def refund_event(order, amount_refunded):
    charge = stripe_fake.charge(f"pi_{order.number}", order.total_cents, amount_refunded)
    return stripe_fake.event("charge.refunded", charge)


def admin_browser(app):
    admin = make_user("admin@example.com", role=Role.ADMIN)
    shopper = Shopper(app.test_client())
    shopper.log_in(admin)
    return shopper.client


def test_a_full_refund_by_signed_webhook_revokes_every_file_of_the_order(app, webhook, paid_stripe_order):  # noqa: F811
    browser = admin_browser(app)
    tokens = [e.token for e in entitlements_of(paid_stripe_order)]
    assert [browser.get(f"/downloads/{token}").status_code for token in tokens] == [302, 302]

    response = webhook(refund_event(paid_stripe_order, paid_stripe_order.total_cents))

    assert response.status_code == 200
    assert reload(paid_stripe_order).status == OrderStatus.REFUNDED
    assert all(e.revoked_at is not None for e in entitlements_of(paid_stripe_order))
    assert [browser.get(f"/downloads/{token}").status_code for token in tokens] == [404, 404]
    assert [browser.post(f"/downloads/{token}/fresh-link").status_code for token in tokens] == [404, 404]


def test_a_partial_refund_by_webhook_names_no_items_and_revokes_nothing(app, webhook, paid_stripe_order):  # noqa: F811
    response = webhook(refund_event(paid_stripe_order, 500))

    assert response.status_code == 200
    assert reload(paid_stripe_order).status == OrderStatus.PARTIALLY_REFUNDED
    assert [e.revoked_at for e in entitlements_of(paid_stripe_order)] == [None, None]
    browser = admin_browser(app)
    assert all(browser.get(download_url(e)).status_code == 302 for e in entitlements_of(paid_stripe_order))


def test_refunding_one_item_revokes_its_files_and_the_other_item_keeps_working(app, paid_stripe_order):
    birds, atlas = paid_stripe_order.items

    revoked = revoke_entitlements(paid_stripe_order, [birds.id])
    jobs.commit()

    assert revoked == 1
    birds_file, atlas_file = entitlements_of(paid_stripe_order)
    assert birds_file.revoked_at is not None and atlas_file.revoked_at is None
    browser = admin_browser(app)
    assert browser.get(download_url(birds_file)).status_code == 404
    assert browser.get(download_url(atlas_file)).status_code == 302
    page = page_text(browser.get(f"/checkout/complete/{paid_stripe_order.number}"))
    assert "No longer available: this item was refunded." in page
    assert f'href="/downloads/{atlas_file.token}"' in page
    assert f'href="/downloads/{birds_file.token}"' not in page


def test_revoking_ignores_items_of_other_orders(app, webhook, paid_stripe_order, two_ebooks):  # noqa: F811
    other = place_stripe_order((two_ebooks[0], 1), email="other@example.com")
    webhook(stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(other, "paid")))
    other = reload(other)

    assert revoke_entitlements(paid_stripe_order, [item.id for item in other.items]) == 0
    jobs.commit()

    assert [e.revoked_at for e in entitlements_of(other)] == [None]


def test_a_file_finished_after_a_full_refund_is_born_revoked(app, webhook, paid_stripe_order):  # noqa: F811
    webhook(refund_event(paid_stripe_order, paid_stripe_order.total_cents))
    order = reload(paid_stripe_order)

    late = grant_file(order.items[0], "renders/late-certificate.pdf", "certificate.pdf", "application/pdf", 10)
    jobs.commit()

    assert late.revoked_at is not None
