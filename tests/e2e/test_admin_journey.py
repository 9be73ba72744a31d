"""An admin's afternoon in a real browser: filter the orders table, refund one order partly then fully in its
panel, and mark a physical order shipped, each in place (htmx), under the shop's CSP; and, with S3 storage, upload a
product's file straight from the browser to the bucket."""

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.accounts.models import Role
from storefront.catalog.models import ProductFile, ProductKind
from storefront.checkout.services import ReviewLine, review
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import Order
from storefront.orders.status import OrderStatus
from storefront.payments import dummy
from storefront.payments.webhooks import handle_event
from storefront.storage import get_storage, init_storage
from storefront.storage.prepare import prepare_buckets
from tests.e2e.support import SETTLE_TIMEOUT_MS, assert_not_reloaded, assert_policy_held, mark_page
from tests.factories import DEFAULT_PASSWORD, make_product, make_user
from tests.functional.downloads.conftest import aws_env, moto_url  # noqa: F401  (moto as a real S3 server)

ADDRESS = {
    "name": "Ada Lovelace",
    "address": {"line1": "12 St James's Square", "postal_code": "SW1Y 4JH", "city": "London", "country": "GB"},
}

UPLOAD_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" + b"0" * 200_000
# Records, when the upload script says it is checking the file, how far its progress bar had gone.
RECORD_PROGRESS = """
const form = document.querySelector("form[data-direct-upload][data-purpose='file']");
const bar = form.querySelector("progress");
new MutationObserver(() => {
  if (form.querySelector(".upload-status").textContent.startsWith("Checking")) {
    window.progressAtFinish = [bar.hidden, bar.value, bar.max];
  }
}).observe(form.querySelector(".upload-status"), { childList: true, characterData: true, subtree: true });
"""


@pytest.fixture
def s3_storage(app, live_shop, moto_url, aws_env):  # noqa: F811
    """The live shop storing files in moto, its buckets prepared as `flask storage prepare` does (CORS included)."""
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET="journey-files", S3_PUBLIC_BUCKET="journey-images")
    app.config.update(S3_ENDPOINT_URL=moto_url, S3_REGION="us-east-1")
    init_storage(app)
    prepare_buckets(get_storage(), live_shop)
    yield get_storage()
    app.config["STORAGE_BACKEND"] = "local"
    init_storage(app)


def paid_order(product, email):
    """An order placed and paid on the dummy gateway through the shop's own services and webhook code."""
    order = orders.place_order(review([ReviewLine(product, 1)]), email, gateway="dummy")
    order.gateway_session_id = f"dummy_cs_{order.number}"
    jobs.commit()
    shipping = ADDRESS if order.requires_shipping else None
    handle_event(dummy.session_event("checkout.session.completed", order, "paid", shipping), "dummy")
    jobs.commit()
    return order.number


def log_in(page, email):
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def refund_in_panel(page, expect, how, amount_text=None):
    refunds = page.locator("#order-refunds")
    refunds.get_by_text("Refund…").click()
    refunds.get_by_label(how).check()
    if amount_text:
        refunds.get_by_label("Amount to refund").fill(amount_text)
    refunds.get_by_label("Reason").fill("The buyer asked")
    refunds.get_by_role("button", name="Review the refund").click()
    expect(refunds.locator(".refund-confirm")).to_be_visible()
    refunds.locator(".refund-confirm").get_by_role("button", name="Refund").click()


def test_admin_filters_refunds_and_ships_without_reloading(app, page):
    from playwright.sync_api import expect

    guide = make_product(title="Field Guide", price_cents=1500, with_image=False)
    mug = make_product(title="Harbour Mug", price_cents=1200, kind=ProductKind.PHYSICAL, stock=5, with_image=False)
    digital_number = paid_order(guide, "reader@example.com")
    physical_number = paid_order(mug, "sailor@example.com")
    make_user("boss@example.com", role=Role.ADMIN)
    log_in(page, "boss@example.com")

    page.goto("/admin/orders")
    mark_page(page)
    table_url = page.url
    expect(page.locator("#order-rows")).to_contain_text(physical_number)
    page.get_by_label("Search").fill("reader@")
    expect(page.locator("#order-rows")).not_to_contain_text(physical_number)
    expect(page.locator("#order-rows")).to_contain_text(digital_number)
    assert page.evaluate("window.journeyMarker") == "still-here" and page.url != table_url

    page.get_by_role("link", name=digital_number).click()
    page.wait_for_url(f"**/admin/orders/{digital_number}")
    mark_page(page)
    panel_url = page.url
    refunds = page.locator("#order-refunds")

    refund_in_panel(page, expect, "An amount:", "5.00")
    expect(refunds).to_contain_text("refunded $5.00", timeout=SETTLE_TIMEOUT_MS)
    expect(refunds).to_contain_text("left to refund $10.00")

    refund_in_panel(page, expect, "Everything left")
    expect(refunds).to_contain_text("refunded $15.00", timeout=SETTLE_TIMEOUT_MS)
    assert_not_reloaded(page, panel_url)

    page.goto(f"/admin/orders/{physical_number}")
    mark_page(page)
    ship_url = page.url
    page.get_by_label("Carrier").fill("Royal Mail")
    page.get_by_label("Tracking number").fill("RM123456789GB")
    page.get_by_label("Tracking link").fill("https://track.example.com/RM123456789GB")
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.locator("#order-fulfilment")).to_contain_text("Everything physical has shipped.")
    expect(page.locator("#order-fulfilment")).to_contain_text("RM123456789GB")
    assert_not_reloaded(page, ship_url)
    assert_policy_held(page)

    statuses = dict(db.session.execute(select(Order.number, Order.status)).all())
    assert statuses == {digital_number: OrderStatus.REFUNDED, physical_number: OrderStatus.FULFILLED}


def test_admin_uploads_a_file_straight_to_s3_with_progress(app, page, live_shop, s3_storage):
    """With S3 storage the file goes from the browser to the bucket (moto here), the progress bar fills, and the
    editor swaps in with the file attached and its type sniffed; a program named .pdf is refused in place. The page
    is never reloaded."""
    from playwright.sync_api import expect

    product = make_product(title="Field Guide", price_cents=1500, with_image=False)
    make_user("boss@example.com", role=Role.ADMIN)
    log_in(page, "boss@example.com")
    page.goto(f"/admin/products/{product.id}")
    mark_page(page)
    page.evaluate(RECORD_PROGRESS)
    form = page.locator("form[data-purpose='file']")

    form.locator("input[type=file]").set_input_files(
        files=[{"name": "Field guide.pdf", "mimeType": "application/octet-stream", "buffer": UPLOAD_PDF}]
    )
    form.get_by_role("button", name="Upload").click()

    expect(page.locator("#product-editor")).to_contain_text(
        "Field_guide.pdf added (application/pdf).", timeout=SETTLE_TIMEOUT_MS
    )
    hidden, sent, total = page.evaluate("window.progressAtFinish")
    assert not hidden and sent == total > len(UPLOAD_PDF)  # the whole multipart body: the signed fields and the file

    form.locator("input[type=file]").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 600}]
    )
    form.get_by_role("button", name="Upload").click()

    expect(page.locator("#product-editor .notice-error")).to_contain_text(
        "That file is a program", timeout=SETTLE_TIMEOUT_MS
    )
    assert_not_reloaded(page, f"{live_shop}/admin/products/{product.id}")
    assert_policy_held(page)
    db.session.expire_all()
    [file] = db.session.scalars(select(ProductFile).where(ProductFile.product_id == product.id)).all()
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=f"private/{file.storage_key}")
    assert (stored["Body"].read(), stored["ContentType"]) == (UPLOAD_PDF, "application/pdf")
