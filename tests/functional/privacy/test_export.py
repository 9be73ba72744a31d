"""A shopper downloads everything the shop holds about them as one JSON file: their profile, orders with items and
totals, downloads and the terms they accepted. Only their own data, never another customer's."""

from urllib.parse import urlsplit

from storefront.privacy import export
from tests.functional.legal.support import publish_defaults
from tests.functional.privacy.support import exported, order_row, shopper_with_orders

EXPORT = "/account/privacy/export"


def test_my_export_holds_my_data_and_nobody_elses(app):
    publish_defaults()
    ada, ada_browser, ada_order = shopper_with_orders(app, "ada@example.com", "Harbour")
    _bob, _bob_browser, bob_order = shopper_with_orders(app, "bob@example.com", "Mountain")
    ada_order = order_row(ada_order)

    response = ada_browser.client.get(EXPORT)

    data = exported(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert data["profile"]["email"] == "ada@example.com" and data["profile"]["id"] == ada.id
    [order] = data["orders"]
    assert order["number"] == ada_order.number
    assert (order["subtotal_cents"], order["total_cents"]) == (ada_order.subtotal_cents, ada_order.total_cents)
    assert order["shipping_name"] == "Ada Lovelace" and "12 Analytical Row" in order["shipping_address"]
    assert sorted(item["title"] for item in order["items"]) == ["Harbour Guide", "Harbour Print"]
    assert sum(item["line_total_cents"] for item in order["items"]) == ada_order.subtotal_cents
    [download] = data["downloads"]
    assert download["order"] == ada_order.number and download["file_name"] == "harbour-birds.pdf"
    assert download["user_agent"] == "TestBrowser/1.0" and download["ip_address"]
    assert [(c["document"], c["version"], c["context"]) for c in data["consents"]] == [
        ("terms", 1, "registration"),
        ("privacy", 1, "registration"),
    ]
    raw = response.get_data(as_text=True)
    assert "bob@example.com" not in raw and bob_order.number not in raw and "Mountain" not in raw


def test_the_export_is_a_list_of_named_sections(app):
    assert [name for name, _section in export.SECTIONS] == [
        "profile",
        "orders",
        "downloads",
        "consents",
        "reviews",
        "wishlist",
        "licence_keys",
    ]


def test_the_privacy_page_and_export_need_a_login(client):
    for url in ("/account/privacy/", EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/account/login"


def test_the_account_page_leads_to_the_privacy_tools(app):
    _ada, browser, _order = shopper_with_orders(app, "ada@example.com", "Harbour")

    page = browser.client.get("/account/privacy/").get_data(as_text=True)

    assert 'href="/account/privacy/"' in browser.client.get("/account/").get_data(as_text=True)
    assert f'href="{EXPORT}"' in page and "Delete my account" in page
