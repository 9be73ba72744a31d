"""The export and the deletion reach every domain that holds something of the shopper's: their reviews, their
wishlist and the licence keys they bought. Another customer's never appear; a deleted account's review stays on the
product as "A former customer", its wishlist goes, and the keys stay valid (the orders are kept for accounting)."""

from storefront.extensions import db
from storefront.reviews.models import Review
from storefront.wishlist.models import WishlistItem
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.checkout.support import digital, page_text
from tests.functional.licences.support import buy, keys_of, licensed
from tests.functional.privacy.support import exported
from tests.functional.reviews.support import admin_browser, browser_of, moderate, reviews_of, write

EXPORT = "/account/privacy/export"


def _shopper_with_everything(app, admin, email, title):
    """A buyer of a licensed download who reviewed it (approved) and saved another product to their wishlist."""
    product = licensed("generated", title=f"{title} Tool")
    user = make_user(email)
    browser = browser_of(app, user)
    order = buy(browser, product, email=email)
    assert write(browser.client, product, rating=4, body=f"{title} tool works well for me.").status_code in (200, 303)
    [review] = [r for r in reviews_of(product) if r.user_id == user.id]
    assert moderate(admin, review, "approve").status_code == 200
    wanted = digital(title=f"{title} Wish")
    assert browser.client.post(f"/wishlist/{wanted.id}").status_code in (302, 303)
    return user, browser, product, order


def test_the_export_holds_my_reviews_wishlist_and_keys_and_nobody_elses(app):
    admin = admin_browser(app)
    _ada, ada_browser, ada_product, ada_order = _shopper_with_everything(app, admin, "ada@example.com", "Harbour")
    _bob, _bob_browser, _bob_product, bob_order = _shopper_with_everything(app, admin, "bob@example.com", "Mountain")

    data = exported(ada_browser.client.get(EXPORT))

    assert [(r["product"], r["rating"]) for r in data["reviews"]] == [(ada_product.title, 4)]
    assert [item["product"] for item in data["wishlist"]] == ["Harbour Wish"]
    assert [key["key"] for key in data["licence_keys"]] == [key.key for key in keys_of(ada_order)]
    raw = str(data)
    assert "Mountain" not in raw and all(key.key not in raw for key in keys_of(bob_order))


def test_deleting_my_account_anonymises_my_review_empties_my_wishlist_and_keeps_my_keys(app, client):
    ada, browser, product, order = _shopper_with_everything(app, admin_browser(app), "ada@example.com", "Harbour")
    [key] = keys_of(order)

    response = browser.client.post("/account/privacy/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})

    assert response.status_code == 303
    db.session.expire_all()
    [review] = db.session.query(Review).filter_by(product_id=product.id).all()
    assert review.user_id is None and review.rating == 4
    page = page_text(client.get(f"/products/{product.slug}"))
    assert "A former customer" in page and "Harbour tool works well for me." in page
    assert db.session.query(WishlistItem).filter_by(user_id=ada.id).count() == 0
    assert client.get(f"/api/licences/{key.key}").get_json()["status"] == "valid"
