"""What a browser is told about every page: a script-free Content-Security-Policy, no framing, no sniffing, a tight
referrer and features policy, HSTS in production, and `no-store` on everything private, so a shared computer's back
button or a proxy never shows one shopper's order, download or admin screen to the next person."""

import json
import re
from html import unescape
from pathlib import Path

import pytest

from storefront.accounts.models import Role
from storefront.storage import init_storage
from tests.factories import make_product, make_user
from tests.functional.checkout.support import Shopper, digital
from tests.functional.downloads.support import download_url, ebook, entitlements_of

TEMPLATES = Path(__file__).resolve().parents[2] / "storefront" / "templates"


def csp_of(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.fixture
def paid_order(shopper):
    order = shopper.place(ebook())
    shopper.pay(order)
    return order


def test_every_page_gets_a_policy_without_inline_script_or_eval(client):
    product = make_product(title="Sunrise Print")
    for url in ("/", f"/products/{product.slug}", "/cart/", "/account/login", "/no-such-page"):
        response = client.get(url)
        policy = csp_of(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_pages_cannot_be_framed_sniffed_or_leak_their_address(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_forms_may_post_here_and_hand_over_to_stripe_checkout(client):
    assert csp_of(client.get("/"))["form-action"] == ["'self'", "https://checkout.stripe.com"]


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["PRODUCTION"] = True
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_product_images_from_a_cdn_are_allowed(app, client):
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET="shop-private", S3_PUBLIC_BASE_URL="https://cdn.example.net/img")
    init_storage(app)
    assert csp_of(client.get("/"))["img-src"] == ["'self'", "https://cdn.example.net"]


def test_product_images_from_the_public_bucket_are_allowed(app, client):
    app.config.update(
        STORAGE_BACKEND="s3", S3_BUCKET="shop-private", S3_PUBLIC_BUCKET="shop-images", S3_REGION="eu-west-1"
    )
    init_storage(app)
    assert csp_of(client.get("/"))["img-src"] == ["'self'", "https://shop-images.s3.eu-west-1.amazonaws.com"]


def test_local_images_come_from_the_shop_itself(client):
    assert csp_of(client.get("/"))["img-src"] == ["'self'"]


def private_urls(order, entitlement):
    return [
        "/cart/",
        "/checkout/",
        f"/checkout/complete/{order.number}",
        f"/checkout/status/{order.number}",
        f"/checkout/returned/{order.number}",
        download_url(entitlement),
        "/orders/lookup",
        "/account/login",
        "/account/register",
        "/account/reset",
        "/admin/",
        "/admin/outbox",
        "/admin/emails",
        "/admin/renders",
        "/",
    ]


def test_private_pages_are_never_stored(client, shopper, auth, paid_order):
    entitlement = entitlements_of(paid_order)[0]
    shopper.add(digital(title="Tide Tables"))
    auth.login(make_user(role=Role.ADMIN).email)
    for url in private_urls(paid_order, entitlement):
        response = client.get(url)
        assert response.status_code < 400, (url, response.status_code)
        assert "no-store" in response.headers["Cache-Control"], url


def test_the_download_redirect_and_the_file_are_never_stored(client, paid_order):
    redirect = client.get(download_url(entitlements_of(paid_order)[0]))
    assert redirect.status_code == 302
    assert redirect.headers["Cache-Control"] == "no-store"
    streamed = client.get(redirect.headers["Location"])
    assert streamed.status_code == 200
    assert "no-store" in streamed.headers["Cache-Control"]


def test_the_dummy_payment_page_is_never_stored(client):
    order = Shopper(client).place(digital())
    response = client.get(f"/payments/dummy/{order.gateway_session_id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_refusals_and_redirects_are_never_stored_either(client, auth):
    auth.login(make_user().email)
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"  # 403
    assert client.post("/account/logout").headers["Cache-Control"] == "no-store"  # redirect


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Content-Security-Policy" in response.headers


def test_htmx_is_configured_for_the_policy(client):
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', client.get("/").get_data(as_text=True))
    settings = json.loads(unescape(config.group(1)))
    assert settings["allowEval"] is False
    assert settings["includeIndicatorStyles"] is False
    assert settings["historyCacheSize"] == 0  # no copy of private pages left in sessionStorage
    assert {"code": "400|422", "swap": True} in settings["responseHandling"]


# Markup the policy would block: inline scripts, inline styles, inline event handlers and htmx's eval'd attributes.
FORBIDDEN_MARKUP = {
    # A JSON-LD data block is never run, so script-src does not apply to it (seo/_partials/_meta.html).
    "inline <script>": re.compile(r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))[^>]*>", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"(data-)?hx-on", re.IGNORECASE),
    "hx-vars": re.compile(r"(data-)?hx-vars", re.IGNORECASE),
    "js: expression": re.compile(r"[\"']\s*(js|javascript):", re.IGNORECASE),
}


# Emails are not served under the page policy (and need inline styles to look right in mail clients).
PAGE_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*.html") if "mail" not in path.relative_to(TEMPLATES).parts)


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_needs_inline_script_or_style(template):
    markup = template.read_text()
    found = [name for name, pattern in FORBIDDEN_MARKUP.items() if pattern.search(markup)]
    assert found == []
