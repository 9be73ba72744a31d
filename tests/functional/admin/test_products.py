"""The admin's products: the searchable list, making and editing a product, publishing, archiving or deleting it,
and stock changes with their log. Every change is audited."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.catalog import admin_services
from storefront.catalog.models import Product, StockAdjustment
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.renders.templates import TEMPLATES
from tests.factories import make_category, make_user
from tests.functional.checkout.support import Shopper, digital, physical, stock_of

HTMX = {"HX-Request": "true"}
# Rows of the buyer fields table: a blank row and a repeated label are skipped; a date's length is its own.
BUYER_ROWS = {
    **{"buyer_label_1": "Name", "buyer_kind_1": "text", "buyer_max_1": "30"},
    **{"buyer_label_3": " Date ", "buyer_kind_3": "date", "buyer_max_3": "3"},
    **{"buyer_label_4": "Name", "buyer_kind_4": "date"},
}
NEW = {"title": "Harbour Birds", "description_md": "A *field* guide", "price": "12.50", "kind": "digital"}


@pytest.fixture
def boss(app):
    return make_user("boss@example.com", role=Role.ADMIN)


@pytest.fixture
def admin(app, boss):
    browser = app.test_client()
    browser.post("/account/login", data={"email": "boss@example.com", "password": "correct horse battery"})
    return browser


def text(response):
    return unescape(response.get_data(as_text=True))


def actions():
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def create(admin, **fields):
    return admin.post("/admin/products", data={**NEW, **fields})


def edit_fields(product, **fields):
    return {
        "title": product.title,
        "slug": product.slug,
        "price": "15.00",
        "kind": product.kind,
        "description_md": "",
        **fields,
    }


def test_an_admin_creates_a_product_unpublished_with_a_sanitised_slug(admin):
    category = make_category("Guides")

    response = create(admin, slug="  Café Noir!! ", category_id=str(category.id))

    product = db.session.scalar(select(Product))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/products/{product.id}")
    assert (product.slug, product.price_cents, product.currency, product.kind) == ("cafe-noir", 1250, "USD", "digital")
    assert (product.is_published, product.stock, product.category_id) == (False, None, category.id)
    assert actions() == ["product.create"]


def test_a_physical_product_starts_with_its_opening_stock_logged(admin, boss):
    create(admin, kind="physical", stock="7", slug="")

    product = db.session.scalar(select(Product))
    [entry] = db.session.scalars(select(StockAdjustment)).all()
    assert product.slug == "harbour-birds"
    assert product.stock == 7
    assert (entry.delta, entry.stock_after, entry.reason, entry.actor_email) == (7, 7, "Opening stock", boss.email)
    assert actions() == ["product.create", "product.stock"]


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"title": "  "}, "A title is 1 to 200 characters."),
        ({"price": "abc"}, "The price must be a number"),
        ({"price": "-1"}, "The price must be zero or more."),
        ({"price": "99999999999"}, "That price is too large."),
        ({"kind": "vapour"}, "Choose digital or physical."),
        ({"slug": "!!!", "title": "???"}, "The slug needs at least one letter or digit."),
        ({"category_id": "999"}, "There is no such category."),
        ({"category_id": "x"}, "There is no such category."),
        ({"kind": "physical", "stock": "-3"}, "Stock is a whole number from 0 to 1,000,000."),
    ],
)
def test_a_product_that_cannot_be_made_is_refused_with_the_reason(admin, fields, reason):
    response = create(admin, **fields)

    assert response.status_code == 422
    assert reason in text(response)
    assert db.session.scalar(select(Product)) is None
    assert actions() == []


def test_a_taken_slug_is_refused(admin):
    taken = digital(title="Taken")

    response = create(admin, slug=taken.slug)

    assert response.status_code == 422
    assert f"The slug “{taken.slug}” is taken by another product." in text(response)


def test_editing_saves_the_fields_and_audits_before_and_after(admin):
    product = digital(title="Old title", published=False)
    template = next(iter(TEMPLATES))

    response = admin.post(
        f"/admin/products/{product.id}",
        data=edit_fields(product, title="New title", render_template=template, **BUYER_ROWS),
        headers=HTMX,
    )

    assert response.status_code == 200 and "Saved." in text(response)
    db.session.refresh(product)
    assert (product.title, product.price_cents, product.render_template) == ("New title", 1500, template)
    assert product.buyer_fields == [
        {"label": "Name", "kind": "text", "max_length": 30},
        {"label": "Date", "kind": "date", "max_length": 10},
    ]
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert event.action == "product.update"
    assert (event.before["title"], event.after["title"]) == ("Old title", "New title")
    editor = text(admin.get(f"/admin/products/{product.id}"))
    assert 'name="buyer_label_2" maxlength="60" value="Date"' in editor
    assert re.search(r'<option value="date" selected>', editor)
    assert 'name="buyer_max_1" inputmode="numeric" size="4" placeholder="100" value="30"' in editor


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"kind": "physical"}, "A product's kind cannot change; make a new product instead."),
        ({"render_template": "nope"}, "There is no such render template."),
        ({"buyer_label_1": "Name"}, "Buyer fields need a render template."),
        (
            {"render_template": "print_png", "buyer_label_1": "Name", "buyer_max_1": "101"},
            "The length limit of “Name” is a whole number from 1 to 100.",
        ),
        (
            {"render_template": "print_png", "buyer_label_1": "When", "buyer_kind_1": "time"},
            "Choose text or date for “When”.",
        ),
    ],
)
def test_an_edit_that_breaks_a_rule_is_refused_and_nothing_changes(admin, fields, reason):
    product = digital(title="Kept")

    response = admin.post(f"/admin/products/{product.id}", data=edit_fields(product, **fields), headers=HTMX)

    assert response.status_code == 422
    assert reason in text(response)
    db.session.expire_all()
    assert (db.session.get(Product, product.id).title, actions()) == ("Kept", [])


def test_a_physical_product_cannot_be_rendered_per_order(admin):
    product = physical()

    response = admin.post(
        f"/admin/products/{product.id}",
        data=edit_fields(product, render_template=next(iter(TEMPLATES))),
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "Only digital products can be rendered per order." in text(response)


def test_publishing_shows_the_product_in_the_shop_and_unpublishing_hides_it(admin, client):
    product = digital(title="Lighthouse Print", published=False)
    assert client.get(f"/products/{product.slug}").status_code == 404

    admin.post(f"/admin/products/{product.id}/published", data={"published": "1"}, headers=HTMX)
    assert client.get(f"/products/{product.slug}").status_code == 200

    admin.post(f"/admin/products/{product.id}/published", data={"published": "0"}, headers=HTMX)
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert actions() == ["product.publish", "product.unpublish"]


def test_an_archived_product_leaves_the_shop_and_the_admin_list_until_asked_for(admin, client):
    product = digital(title="Lighthouse Print")

    admin.post(f"/admin/products/{product.id}/archived", data={"archived": "1"}, headers=HTMX)

    db.session.refresh(product)
    assert (product.is_published, product.archived_at is not None) == (False, True)
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert "Lighthouse Print" not in text(client.get("/"))
    assert "Lighthouse Print" not in text(admin.get("/admin/products"))
    assert "Lighthouse Print" in text(admin.get("/admin/products?archived=1"))
    refused = admin.post(f"/admin/products/{product.id}/published", data={"published": "1"}, headers=HTMX)
    assert refused.status_code == 422
    assert "Restore the product from the archive before publishing it." in text(refused)
    admin.post(f"/admin/products/{product.id}/archived", data={"archived": "0"}, headers=HTMX)
    assert "Lighthouse Print" in text(admin.get("/admin/products"))
    assert actions() == ["product.archive", "product.restore"]


def test_a_product_never_sold_can_be_deleted(admin):
    product = digital(title="Mistake")

    response = admin.post(f"/admin/products/{product.id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/products")
    assert db.session.scalar(select(Product)) is None
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert (event.action, event.subject_id, event.before["title"]) == ("product.delete", str(product.id), "Mistake")


def test_a_sold_product_cannot_be_deleted_only_archived(admin, shopper):
    product = digital(title="Bestseller")
    shopper.place(product)

    response = admin.post(f"/admin/products/{product.id}/delete", headers=HTMX)

    assert response.status_code == 422
    assert "This product has been sold, so it cannot be deleted. Archive it instead." in text(response)
    assert db.session.get(Product, product.id) is not None
    assert "Delete (never sold)" not in text(admin.get(f"/admin/products/{product.id}"))


def test_the_list_searches_titles_and_htmx_gets_only_the_rows(admin):
    digital(title="Harbour Birds")
    physical(title="Lighthouse Mug", stock=3)

    page = admin.get("/admin/products?q=light")
    rows = admin.get("/admin/products?q=light", headers=HTMX)

    assert page.status_code == 200 and "<h1>Products</h1>" in text(page)
    assert "Lighthouse Mug" in text(page) and "Harbour Birds" not in text(page)
    assert "<h1>" not in text(rows) and "Lighthouse Mug" in text(rows) and "Harbour Birds" not in text(rows)
    assert "HX-Request" in rows.headers["Vary"]
    assert "Products" in text(admin.get("/admin/"))


def test_stock_is_adjusted_with_a_reason_and_logged(admin, boss):
    product = physical(stock=5)

    response = admin.post(
        f"/admin/products/{product.id}/stock", data={"change": "+3", "reason": "Delivery"}, headers=HTMX
    )
    admin.post(f"/admin/products/{product.id}/stock", data={"change": "-2", "reason": "Broken"}, headers=HTMX)
    admin.post(f"/admin/products/{product.id}/stock", data={"mode": "set", "stock": "10", "reason": "Count"})

    assert response.status_code == 200 and "Stock is now 8." in text(response)
    assert stock_of(product) == 10
    log = db.session.scalars(select(StockAdjustment).order_by(StockAdjustment.id)).all()
    assert [(entry.delta, entry.stock_after, entry.reason) for entry in log] == [
        (3, 8, "Delivery"),
        (-2, 6, "Broken"),
        (4, 10, "Count"),
    ]
    assert {entry.actor_id for entry in log} == {boss.id}
    assert actions() == ["product.stock"] * 3


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"change": "-6", "reason": "Too many"}, "Stock cannot go below 0"),
        ({"change": "+3", "reason": " "}, "Give a reason of up to 200 characters"),
        ({"change": "lots", "reason": "x"}, "The change is a whole number from 1"),
        ({"mode": "set", "stock": "-1", "reason": "x"}, "Stock is a whole number from 0"),
    ],
)
def test_a_stock_change_that_breaks_a_rule_is_refused_and_not_logged(admin, fields, reason):
    product = physical(stock=5)

    response = admin.post(f"/admin/products/{product.id}/stock", data=fields, headers=HTMX)

    assert response.status_code == 422
    assert reason in text(response)
    assert stock_of(product) == 5
    assert db.session.scalar(select(StockAdjustment)) is None


def test_digital_products_have_no_stock_to_change(admin):
    product = digital()

    response = admin.post(f"/admin/products/{product.id}/stock", data={"change": "+1", "reason": "x"})

    assert response.status_code == 422
    assert "Only physical products have stock." in text(response)


def test_an_adjustment_adds_to_what_a_checkout_took_meanwhile(app, boss, shopper):
    """The adjustment is relative in the database: a sale between reading the page and adjusting is kept."""
    product = physical(stock=5)
    stale = db.session.get(Product, product.id)
    shopper.place(product)  # takes one unit through the checkout's own conditional UPDATE

    entry = admin_services.adjust_stock(stale, 2, "Delivery", boss)
    db.session.commit()

    assert (stock_of(product), entry.stock_after) == (6, 6)


def test_setting_stock_refuses_when_a_checkout_moved_it_since_it_was_read(app, boss, monkeypatch):
    product = physical(stock=5)
    real_scalar = db.session.scalar

    def sold_one_meanwhile(statement, *args, **kwargs):
        seen = real_scalar(statement, *args, **kwargs)
        db.session.execute(db.update(Product).where(Product.id == product.id).values(stock=Product.stock - 1))
        return seen

    monkeypatch.setattr(db.session, "scalar", sold_one_meanwhile)
    with pytest.raises(admin_services.ProductRefused, match="The stock changed while you were setting it"):
        admin_services.set_stock(product, 9, "Count", boss)
    monkeypatch.undo()
    db.session.rollback()


def test_admins_taking_stock_while_shoppers_check_out_never_oversell(app, monkeypatch):
    """Everyone wants one of the last three: three get one (checkout or adjustment), the rest are refused, and
    every adjustment made is logged with the stock it really left."""
    mug = physical(title="Last Mugs", stock=3)
    shoppers = [Shopper(app.test_client()) for _ in range(4)]
    for shopper in shoppers:
        assert shopper.add(mug).status_code == 303
    admins = []
    for number in range(4):
        make_user(f"staff{number}@example.com", role=Role.ADMIN)
        browser = app.test_client()
        browser.post(
            "/account/login", data={"email": f"staff{number}@example.com", "password": "correct horse battery"}
        )
        admins.append(browser)
    together = threading.Barrier(8, timeout=30)
    monkeypatch.setattr(orders, "place_order", _after(together, orders.place_order))
    monkeypatch.setattr(admin_services, "adjust_stock", _after(together, admin_services.adjust_stock))

    url = f"/admin/products/{mug.id}/stock"  # read here: the threads have no app context to load `mug` in

    def take_one(admin):
        return admin.post(url, data={"change": "-1", "reason": "Damaged"}, headers=HTMX)

    with ThreadPoolExecutor(max_workers=8) as pool:
        checkouts = [pool.submit(shopper.check_out) for shopper in shoppers]
        takes = [pool.submit(take_one, admin) for admin in admins]
        checkouts, takes = [f.result() for f in checkouts], [f.result() for f in takes]

    sold = sum(response.status_code == 303 for response in checkouts)
    taken = sum(response.status_code == 200 for response in takes)
    assert sold + taken == 3
    assert {response.status_code for response in takes} <= {200, 422}
    assert stock_of(mug) == 0
    log = db.session.scalars(select(StockAdjustment)).all()
    assert len(log) == taken
    assert len({entry.stock_after for entry in log}) == taken


def _after(barrier, function):
    def wait_then_call(*args, **kwargs):
        barrier.wait()
        return function(*args, **kwargs)

    return wait_then_call
