"""The library lists every file a shopper bought, with download buttons, what is left, fresh links and the live
"preparing" state of personalised files; refunded files show as refunded. Nobody else's files ever show."""

import pytest

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.refunds.services import Actor, RefundRequest, issue_refund
from tests.factories import make_star_map, make_user
from tests.functional.account.support import LIBRARY, guest_order, logged_in, page_text, paid_order
from tests.functional.checkout.support import order_paid_on
from tests.functional.downloads.support import ebook, entitlements_of, expire
from tests.functional.renders.support import add_with_fields

HX_REQUEST = {"HX-Request": "true"}
STOP_POLLING = 286


def test_the_library_shows_my_files_with_their_download_buttons(app, ada, bob):
    user, shopper = ada
    mine = paid_order(shopper, ebook("Harbour Birds"), email=user.email)
    bobs = paid_order(
        bob[1], ebook("Coast Atlas", files=(("atlas.zip", b"PK", "application/zip"),)), email=bob[0].email
    )
    strangers = guest_order(
        app, ebook("Gull Guide", files=(("gulls.pdf", b"%PDF", "application/pdf"),)), email="x@example.com"
    )
    [entitlement] = entitlements_of(mine)

    response = shopper.client.get(LIBRARY)

    text = page_text(response)
    assert response.status_code == 200
    assert "Harbour Birds" in text and "harbour-birds.pdf" in text
    assert f'href="/downloads/{entitlement.token}">Download</a>' in text
    assert "5 downloads left" in text
    assert f'href="/checkout/complete/{mine.number}"' in text
    for other in (bobs, strangers):
        assert other.number not in text
        assert all(e.token not in text for e in entitlements_of(other))
    assert "atlas.zip" not in text and "gulls.pdf" not in text


def test_the_download_button_from_the_library_works(ada):
    user, shopper = ada
    order = paid_order(shopper, ebook(), email=user.email)
    [entitlement] = entitlements_of(order)

    assert shopper.client.get(f"/downloads/{entitlement.token}").status_code == 302
    assert "4 downloads left" in page_text(shopper.client.get(LIBRARY))


def test_an_expired_link_is_renewed_from_the_library_and_leads_back_to_it(ada):
    user, shopper = ada
    order = paid_order(shopper, ebook(), email=user.email)
    [entitlement] = entitlements_of(order)
    expire(entitlement)
    before = page_text(shopper.client.get(LIBRARY))
    assert "This link has expired." in before and "Get a fresh link" in before

    response = shopper.client.post(f"/downloads/{entitlement.token}/fresh-link", data={"next": LIBRARY})

    assert response.status_code == 303
    assert response.headers["Location"] == LIBRARY
    [fresh] = entitlements_of(order)
    after = page_text(shopper.client.get(LIBRARY))
    assert f'href="/downloads/{fresh.token}">Download</a>' in after
    assert "Here is a fresh link for harbour-birds.pdf." in after


def test_a_refunded_order_shows_its_files_as_refunded_not_downloadable(app, ada):
    user, shopper = ada
    order = paid_order(shopper, ebook("Harbour Birds"), email=user.email)
    staff = make_user("staff@example.com", role=Role.ADMIN)
    actor = Actor(staff.id, staff.email)
    db.session.rollback()
    issue_refund(order.id, RefundRequest(mode="full", reason="Wrong book"), actor, "refund-library")
    [entitlement] = entitlements_of(order)

    text = page_text(shopper.client.get(LIBRARY))

    assert "Harbour Birds" in text
    assert "Refunded: no longer available to download." in text
    assert entitlement.token not in text


@pytest.fixture
def star_map():
    return make_star_map()


def test_a_file_being_prepared_shows_live_and_stops_polling_when_ready(app, rq_queue, run_worker, star_map):
    user = make_user("ada@example.com")
    shopper = logged_in(app, user)
    assert add_with_fields(shopper, star_map, {"Name on the print": "Ada"}).status_code == 303
    order = order_paid_on(shopper.check_out(email=user.email))
    shopper.pay(order)
    fragment_url = f"/account/library/{order.number}"

    page = page_text(shopper.client.get(LIBRARY))
    polling = shopper.client.get(fragment_url, headers=HX_REQUEST)

    assert "Preparing your files" in page
    assert f'hx-get="{fragment_url}" hx-trigger="every 2s"' in page
    assert polling.status_code == 200 and "<html" not in page_text(polling)
    assert "HX-Request" in polling.vary

    run_worker()
    done = shopper.client.get(fragment_url, headers=HX_REQUEST)

    [entitlement] = entitlements_of(order)
    assert done.status_code == STOP_POLLING
    assert "hx-trigger" not in page_text(done)
    assert f'href="/downloads/{entitlement.token}">Download</a>' in page_text(done)


def test_the_library_fragment_opened_directly_is_a_whole_page(ada):
    user, shopper = ada
    order = paid_order(shopper, ebook("Harbour Birds"), email=user.email)

    response = shopper.client.get(f"/account/library/{order.number}")

    assert response.status_code == 200
    assert "<html" in page_text(response) and "Harbour Birds" in page_text(response)


def test_the_library_of_a_new_shopper_is_empty_and_says_so(ada):
    assert "Nothing here yet." in page_text(ada[1].client.get(LIBRARY))
