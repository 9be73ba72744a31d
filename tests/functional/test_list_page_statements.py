"""Every page that lists rows runs the same number of SQL statements whether it shows N rows or 3N: nothing is
loaded per row (no N+1). Each page is seeded with N rows, requested, seeded with 2N more and requested again."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.accounts.models import Role, User
from storefront.audit.services import record_admin_action
from storefront.catalog.models import Category, ProductImage
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.failed_jobs import GRANT_FILES, RENDER_ITEM
from storefront.job_records import JobRecord, JobState
from storefront.licences import pool
from storefront.payments.failures import record_refusal
from storefront.renders.models import ProductImageVariant, Rendition
from storefront.reviews.models import Review, ReviewStatus
from storefront.reviews.services import refresh_rating
from storefront.wishlist.models import WishlistItem
from tests.factories import make_product, make_star_map, make_user
from tests.functional.account.support import guest_order, logged_in, paid_order
from tests.functional.checkout.support import Shopper
from tests.functional.downloads.support import ebook
from tests.functional.licences.support import shop_admin
from tests.functional.renders.support import STAR_MAP_FIELD, buy_personalised, fail_template

N = 2


@dataclass
class Viewer:
    """The browser that looks at the page (a guest, a customer or an admin) and what the test needs around it."""

    app: object
    shopper: Shopper
    email: str = ""
    monkeypatch: object = None
    made: list = field(default_factory=list)


def _prints():
    found = db.session.scalar(select(Category).where(Category.slug == "prints"))
    if found is None:
        found = Category(slug="prints", name="Prints")
        db.session.add(found)
        db.session.commit()
    return found


def products(viewer, count):
    """`count` published products in Prints, each with a picture in two formats."""
    for _ in range(count):
        product = make_product(title="Item", category=_prints(), price_cents=100 + len(viewer.made))
        _add_image(product)
        viewer.made.append(product)


def _add_image(product):
    image = ProductImage(storage_key=f"products/{product.slug}/{len(product.images)}.jpg", alt_text="A picture")
    for fmt in ("webp", "jpeg"):
        image.variants.append(
            ProductImageVariant(name="card", format=fmt, storage_key=f"v/{product.slug}.{fmt}", width=640, height=480)
        )
    product.images.append(image)
    db.session.commit()


def products_past_the_first_page(viewer, count):
    """Enough products that page 2 shows `count` more each time (the page size is raised to fit them all)."""
    viewer.app.config["CATALOG_PAGE_SIZE"] = 3 * N
    products(viewer, count + (3 * N if not viewer.made else 0))


def pictures_of_one_product(viewer, count):
    if not viewer.made:
        viewer.made.append(make_product(title="Gallery", with_image=False))
    for _ in range(count):
        _add_image(viewer.made[0])
    return f"/products/{viewer.made[0].slug}"


def cart_lines(viewer, count):
    products(viewer, count)
    for product in viewer.made[-count:]:
        assert viewer.shopper.add(product).status_code == 303


def my_paid_orders(viewer, count):
    """`count` orders of an ebook each, paid by the viewer's account."""
    for number in range(count):
        paid_order(viewer.shopper, ebook(f"Book {len(viewer.made)}-{number}"), email=viewer.email)
    viewer.made.extend(range(count))


def my_licensed_orders(viewer, count):
    """`count` orders of an ebook that issues a licence key, each paid by the viewer's account (the library shows
    each order's files and keys)."""
    for number in range(count):
        product = ebook(f"Tool {len(viewer.made)}-{number}")
        pool.set_policy(product, "generated", shop_admin())
        jobs.commit()
        paid_order(viewer.shopper, product, email=viewer.email)
    viewer.made.extend(range(count))


def guest_orders(viewer, count):
    for number in range(count):
        viewer.made.append(guest_order(viewer.app, ebook(f"Guide {len(viewer.made)}-{number}"), email="g@example.com"))


def customers_with_orders(viewer, count):
    for _ in range(count):
        user = make_user()
        paid_order(logged_in(viewer.app, user), ebook(f"Atlas {len(viewer.made)}"), email=user.email)
        viewer.made.append(user)


def promotion_codes(viewer, count):
    for _ in range(count):
        code = f"spring-{len(viewer.made)}"
        data = {"code": code, "kind": "percent", "percent_off": "10"}
        assert viewer.shopper.client.post("/admin/promotions", data=data).status_code in (200, 303)
        viewer.made.append(code)


def failed_jobs(viewer, count):
    """Failed records about orders and about renders, so the page looks up both kinds of order number."""
    guest_orders(viewer, count)
    renders_that_failed(viewer, count)
    orders = [made for made in viewer.made if hasattr(made, "number")]
    renditions = db.session.scalars(select(Rendition.id)).all()
    now = utcnow()
    for number, (order, rendition_id) in enumerate(zip(orders[-count:], renditions[-count:], strict=True)):
        for func_path, subject in ((GRANT_FILES, order.id), (RENDER_ITEM, rendition_id)):
            db.session.add(_failed_record(func_path, subject, now - timedelta(seconds=len(viewer.made) + number)))
    db.session.commit()


def _failed_record(func_path, subject, when):
    return JobRecord(
        job_key=f"{func_path}:{subject}",
        func_path=func_path,
        args=[subject],
        state=JobState.FAILED.value,
        attempts=4,
        last_error="RuntimeError: printer on fire",
        enqueued_at=when,
        finished_at=when,
    )


def renders_that_failed(viewer, count):
    fail_template(viewer.monkeypatch, "certificate_pdf")
    star_map = make_star_map()
    for number in range(count):
        buy_personalised(Shopper(viewer.app.test_client()), star_map, {STAR_MAP_FIELD: f"Ada {number}"})
    viewer.made.extend(range(count))


def audit_rows_about_orders(viewer, count):
    guest_orders(viewer, count)
    actor = make_user(role=Role.ADMIN)
    for order in viewer.made[-count:]:
        record_admin_action(actor, "order.note", order, message="Called the customer")
    db.session.commit()


def webhook_refusals(viewer, count):
    for number in range(count):
        record_refusal("stripe", "bad signature", "203.0.113.7", body=b'{"id": "evt_%d"}' % number)
    db.session.commit()


def _reviews(viewer, count, status):
    """`count` reviews of one product by as many customers (written straight in: eligibility is tested elsewhere)."""
    if not viewer.made:
        viewer.made.append(make_product(title="Reviewed", with_image=False))
    product = viewer.made[0]
    for _ in range(count):
        db.session.add(Review(product=product, user_id=make_user().id, rating=4, body="Good.", status=status))
    db.session.commit()
    refresh_rating(product.id)
    db.session.commit()
    return f"/products/{product.slug}"


def approved_reviews(viewer, count):
    return _reviews(viewer, count, ReviewStatus.APPROVED.value)


def pending_reviews(viewer, count):
    _reviews(viewer, count, ReviewStatus.PENDING.value)


def my_wishlist(viewer, count):
    user = db.session.scalar(select(User).where(User.email == viewer.email))
    for _ in range(count):
        product = make_product(title="Wanted")
        _add_image(product)
        db.session.add(WishlistItem(user_id=user.id, product_id=product.id))
    db.session.commit()


PAGES = {
    "catalogue": ("guest", "/", products),
    "catalogue search": ("guest", "/?q=item", products),
    "catalogue page 2": ("guest", "/?page=2", products_past_the_first_page),
    "catalogue category and sort": ("guest", "/?category=prints&sort=price_desc", products),
    "catalogue by rating": ("guest", "/?sort=rating", products),
    "product page reviews": ("guest", None, approved_reviews),
    "product page": ("guest", None, pictures_of_one_product),  # its rows are pictures
    "cart": ("guest", "/cart/", cart_lines),
    "account orders": ("customer", "/account/orders", my_paid_orders),
    "account library": ("customer", "/account/library", my_licensed_orders),
    "account wishlist": ("customer", "/account/wishlist", my_wishlist),
    "admin orders": ("admin", "/admin/orders", guest_orders),
    "admin products": ("admin", "/admin/products", products),
    "admin customers": ("admin", "/admin/customers", customers_with_orders),
    "admin promotions": ("admin", "/admin/promotions", promotion_codes),
    "admin jobs": ("admin", "/admin/jobs", failed_jobs),
    "admin renders": ("admin", "/admin/renders", renders_that_failed),
    "admin emails": ("admin", "/admin/emails", guest_orders),
    "admin outbox": ("admin", "/admin/outbox", guest_orders),
    "admin audit": ("admin", "/admin/audit", audit_rows_about_orders),
    "admin webhook failures": ("admin", "/admin/webhook-failures", webhook_refusals),
    "admin reviews": ("admin", "/admin/reviews", pending_reviews),
}


def _viewer(app, role, monkeypatch):
    shopper = Shopper(app.test_client())
    if role == "guest":
        return Viewer(app, shopper, monkeypatch=monkeypatch)
    user = make_user(role=Role.ADMIN if role == "admin" else Role.CUSTOMER)
    assert shopper.log_in(user).status_code == 302
    return Viewer(app, shopper, user.email, monkeypatch)


def _statements_of(viewer, path, count_queries):
    viewer.shopper.client.get(path)  # a first visit may set up the session; the next ones are what every visit costs
    db.session.expire_all()
    with count_queries() as seen:
        response = viewer.shopper.client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    seen.rows_shown = sum(page.count(tag) for tag in ("<tr", "<li", "<img"))
    return seen


@pytest.mark.parametrize("page", PAGES)
def test_a_list_page_runs_the_same_statements_for_n_or_3n_rows(app, count_queries, monkeypatch, page):
    role, path, seed = PAGES[page]
    viewer = _viewer(app, role, monkeypatch)
    path = seed(viewer, N) or path
    few = _statements_of(viewer, path, count_queries)
    path = seed(viewer, 2 * N) or path
    many = _statements_of(viewer, path, count_queries)
    print(f"{page}: {few.count} statements for N rows, {many.count} for 3N")
    assert many.rows_shown > few.rows_shown  # the page does show the rows seeded
    assert many.count == few.count, "\n\n".join(many.statements)
