"""An admin opens one order and sees everything about it, then acts on it inline: notes, the receipt again,
download links, a failed render, a needs-attention flag. Every action leaves an audit row."""

from datetime import timedelta

import pytest

from storefront import jobs
from storefront.extensions import db
from storefront.orders import services as orders
from tests.factories import make_user
from tests.functional.admin.panel_support import (
    ADMIN_EMAIL,
    HTMX,
    act,
    admin_browser,
    audit_rows,
    deliveries,
    panel_url,
    text_of,
)
from tests.functional.checkout.support import GUEST_EMAIL, physical
from tests.functional.downloads.support import download_url, ebook, entitlements_of, logs_of
from tests.functional.renders.support import (
    STAR_MAP_FIELD,
    buy_personalised,
    fail_template,
    personalised_star_map,
    rendition_of,
)

BROWSER = "Mozilla/5.0 (Panel Test) Firefox/130.0"


@pytest.fixture
def admin(app):
    return admin_browser(app)


@pytest.fixture
def ebook_order(shopper):
    order = shopper.place(ebook())
    shopper.pay(order)
    return order


def test_the_panel_shows_items_with_personalisation_amounts_renders_emails_and_timeline(admin, shopper):
    order = buy_personalised(shopper, personalised_star_map(), {STAR_MAP_FIELD: "Grace Hopper"})

    page = text_of(admin.get(panel_url(order)))

    assert "Personalised Star Map" in page and "Grace Hopper" in page and STAR_MAP_FIELD in page
    assert "$19.00" in page  # total and paid
    assert GUEST_EMAIL in page and "Guest (no account)" in page
    assert "charge succeeded" in page
    assert "Renders" in page and "done" in page
    assert "order confirmation" in page and "downloads ready" in page
    assert "Order placed; waiting for payment." in page


def test_the_panel_shows_the_download_log_with_address_and_browser(admin, shopper, ebook_order):
    [entitlement] = entitlements_of(ebook_order)
    shopper.client.get(download_url(entitlement), headers={"User-Agent": BROWSER})

    page = text_of(admin.get(panel_url(ebook_order)))

    [log] = logs_of(entitlement)
    assert "harbour-birds.pdf" in page and "1 of 5 downloads" in page
    assert BROWSER in page and log.ip_address in page


def test_the_panel_shows_the_shipping_address_and_the_account(admin, shopper):
    buyer = make_user("ada@example.com")
    shopper.log_in(buyer)
    order = shopper.place(physical(title="Harbour print"), email="ada@example.com")
    shopper.pay(order)

    page = text_of(admin.get(panel_url(order)))

    assert "Ada Lovelace" in page and "12 Analytical Row" in page
    assert "Account: ada@example.com" in page
    assert "Packing slip" in page and "Mark shipped" in page


def test_htmx_gets_the_panel_alone_and_a_browser_the_whole_page(admin, ebook_order):
    full = admin.get(panel_url(ebook_order))
    fragment = admin.get(panel_url(ebook_order), headers=HTMX)

    assert full.status_code == fragment.status_code == 200
    assert "<html" in text_of(full) and 'id="order-panel"' in text_of(full)
    assert "<html" not in text_of(fragment)
    assert 'id="order-panel"' in text_of(fragment) and "admin-nav" not in text_of(fragment)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_an_unknown_order_number_is_404(admin):
    assert admin.get("/admin/orders/SF-NO-SUCH").status_code == 404
    assert admin.post("/admin/orders/SF-NO-SUCH/notes", data={"body": "hello"}).status_code == 404


def test_a_note_is_kept_shown_and_audited(admin, ebook_order):
    response = act(admin, ebook_order, "notes", body="Called the customer: will re-download tonight.")

    assert response.status_code == 200
    assert "Called the customer: will re-download tonight." in text_of(response)
    [row] = audit_rows("order.note")
    assert (row.actor_email, row.order_id, row.after) == (
        ADMIN_EMAIL,
        ebook_order.id,
        {"body": "Called the customer: will re-download tonight."},
    )


def test_an_empty_note_is_refused_with_the_form_again(admin, ebook_order):
    response = act(admin, ebook_order, "notes", body="   ")

    assert response.status_code == 422
    assert 'id="order-panel"' in text_of(response) and "This field is required." in text_of(response)
    assert audit_rows() == []


def test_a_plain_form_post_redirects_back_to_the_order(admin, ebook_order):
    response = admin.post(panel_url(ebook_order, "notes"), data={"body": "No JavaScript here."})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(panel_url(ebook_order))


def test_the_receipt_is_sent_again_through_the_queue_each_time(admin, ebook_order):
    assert act(admin, ebook_order, "resend-receipt").status_code == 200
    assert act(admin, ebook_order, "resend-receipt").status_code == 200

    keys = [d.unique_key for d in deliveries("order_confirmation")]
    assert keys == [
        f"order:{ebook_order.id}:confirmation",
        f"order:{ebook_order.id}:confirmation:resend:1",
        f"order:{ebook_order.id}:confirmation:resend:2",
    ]
    assert {d.status for d in deliveries("order_confirmation")} == {"sent"}
    assert len(audit_rows("order.resend_receipt")) == 2


def test_an_unpaid_order_has_no_receipt_to_resend(admin, shopper):
    order = shopper.place(ebook())

    response = act(admin, order, "resend-receipt")

    assert response.status_code == 422 and "never paid" in text_of(response)
    assert audit_rows() == []


def test_reissuing_a_link_retires_the_old_one(admin, shopper, ebook_order):
    [entitlement] = entitlements_of(ebook_order)
    old_token, old_link = entitlement.token, download_url(entitlement)

    response = act(admin, ebook_order, "entitlements", str(entitlement.id), "reissue")

    assert response.status_code == 200
    [fresh] = entitlements_of(ebook_order)
    assert fresh.token != old_token and fresh.token in text_of(response)
    assert shopper.client.get(old_link).status_code == 404
    [row] = audit_rows("entitlement.reissue")
    assert row.order_id == ebook_order.id and row.subject_id == str(entitlement.id)


def test_resetting_the_count_gives_the_downloads_back(admin, shopper, ebook_order):
    [entitlement] = entitlements_of(ebook_order)
    for _ in range(5):
        shopper.client.get(download_url(entitlement))
    assert shopper.client.get(download_url(entitlement)).status_code != 302  # used up

    assert act(admin, ebook_order, "entitlements", str(entitlement.id), "reset-count").status_code == 200

    [entitlement] = entitlements_of(ebook_order)
    assert entitlement.download_count == 0
    assert shopper.client.get(download_url(entitlement)).status_code == 302
    [row] = audit_rows("entitlement.reset_count")
    assert (row.before["download_count"], row.after["download_count"]) == (5, 0)


def test_extending_pushes_the_expiry_by_whole_days(admin, ebook_order):
    [entitlement] = entitlements_of(ebook_order)
    before = entitlement.expires_at

    assert act(admin, ebook_order, "entitlements", str(entitlement.id), "extend", days="3").status_code == 200

    [entitlement] = entitlements_of(ebook_order)
    assert entitlement.expires_at - before == timedelta(days=3)
    assert len(audit_rows("entitlement.extend")) == 1


@pytest.mark.parametrize("days", ["0", "366", "two", ""])
def test_extending_by_a_bad_number_of_days_is_refused(admin, ebook_order, days):
    [entitlement] = entitlements_of(ebook_order)

    response = act(admin, ebook_order, "entitlements", str(entitlement.id), "extend", days=days)

    assert response.status_code == 422 and 'id="order-panel"' in text_of(response)
    assert entitlements_of(ebook_order)[0].expires_at == entitlement.expires_at
    assert audit_rows() == []


def test_another_orders_entitlement_is_not_found_here(admin, shopper, ebook_order):
    other = shopper.place(ebook(title="Coastal Maps"))
    shopper.pay(other)
    [theirs] = entitlements_of(other)

    assert act(admin, ebook_order, "entitlements", str(theirs.id), "reissue").status_code == 404


def test_a_failed_render_is_run_again_from_the_panel(admin, shopper, monkeypatch):
    fail_template(monkeypatch, "certificate_pdf", times=1)
    order = buy_personalised(shopper, personalised_star_map(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)
    assert rendition.status == "failed"
    assert "Render again" in text_of(admin.get(panel_url(order)))

    response = act(admin, order, "renditions", str(rendition.id), "render-again")

    assert response.status_code == 200
    assert rendition_of(order).status == "done"
    [row] = audit_rows("rendition.render_again")
    assert row.before["status"] == "failed" and row.order_id == order.id


def test_resolving_attention_needs_a_note_and_keeps_the_reason_on_the_timeline(admin, ebook_order):
    orders.flag_attention(ebook_order, "Paid twice for one cart.")
    jobs.commit()

    refused = act(admin, ebook_order, "resolve-attention", note="")
    assert refused.status_code == 422 and "Say how it was settled." in text_of(refused)

    response = act(admin, ebook_order, "resolve-attention", note="Refunded the duplicate by phone.")

    assert response.status_code == 200
    db.session.refresh(ebook_order)
    assert ebook_order.needs_attention is False
    page = text_of(response)
    assert "<strong>Needs attention:</strong>" not in page and "Resolve</button>" not in page
    assert "Attention resolved: Refunded the duplicate by phone. (was: Paid twice for one cart.)" in page
    [row] = audit_rows("order.resolve_attention")
    assert row.before == {"needs_attention": True, "attention_reason": "Paid twice for one cart."}
    assert "order.resolve_attention by boss@example.com" in page  # the audit row on the timeline
