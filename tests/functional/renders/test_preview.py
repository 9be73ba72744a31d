"""The live preview on a personalised product's page: as the buyer types, htmx asks for a fragment holding a small
picture of the real template with their text; the picture is cached, both are rate-limited, and text that cannot
be printed (or is too long) gets the reason instead of a picture."""

import re
from html import unescape
from urllib.parse import quote

import pytest

from storefront import create_app
from storefront.catalog.views import PREVIEW_LIMIT
from storefront.extensions import db
from tests.conftest import TEST_SETTINGS
from tests.functional.renders.support import opened_image, pdf_text, rendition_of, stored_private

HTMX = {"HX-Request": "true"}
NAME = {"label": "Name", "kind": "text", "max_length": 30}


def preview_url(product, **values):
    query = "&".join(f"{quote(f'personalisation[{label}]')}={quote(value)}" for label, value in values.items())
    return f"/products/{product.slug}/preview?{query}"


def picture_url(fragment):
    return unescape(re.search(r'<img src="([^"]+)"', fragment).group(1))


def test_the_product_page_asks_for_a_preview_as_the_buyer_types(client, personalised):
    product = personalised("print_png", fields=(NAME,))

    html = client.get(f"/products/{product.slug}").get_data(as_text=True)

    field = re.search(r'<input [^>]*name="personalisation\[Name\]"[^>]*>', html).group(0)
    assert f'hx-get="/products/{product.slug}/preview"' in field
    assert 'hx-trigger="input changed delay:400ms"' in field
    assert 'hx-target="#personalisation-preview" hx-swap="outerHTML" hx-include="#personalisation-fields"' in html
    assert '<div id="personalisation-preview"' in html and "/preview.png?" in html


def test_the_fragment_shows_a_picture_of_the_typed_text_drawn_by_the_template(client, personalised):
    product = personalised("print_png", fields=(NAME,), title="Name Poster")

    zoe = client.get(preview_url(product, Name="Zoë"), headers=HTMX)
    zoe_again = client.get(preview_url(product, Name="Zoë"), headers=HTMX)
    ada = client.get(preview_url(product, Name="Ada"), headers=HTMX)

    fragment = zoe.get_data(as_text=True)
    assert zoe.status_code == 200 and fragment.lstrip().startswith('<div id="personalisation-preview"')
    assert "<html" not in fragment and "Name: Zoë" in fragment
    assert "HX-Request" in zoe.headers["Vary"]
    picture = client.get(picture_url(fragment))
    assert (picture.status_code, picture.mimetype) == (200, "image/png")
    assert opened_image(picture.data).size == (300, 400)
    assert picture_url(fragment) == picture_url(zoe_again.get_data(as_text=True))
    assert client.get(picture_url(ada.get_data(as_text=True))).data != picture.data


def test_a_certificate_pdf_is_previewed_as_a_small_picture_of_the_same_page(client, personalised):
    product = personalised("certificate_pdf", fields=(NAME,))

    fragment = client.get(preview_url(product, Name="Жанна"), headers=HTMX).get_data(as_text=True)
    picture = client.get(picture_url(fragment))

    assert opened_image(picture.data).size == (421, 298)
    assert 'width="421" height="298"' in fragment


def test_the_same_text_gives_the_same_bytes_cached_by_the_browser_and_revalidated_by_etag(client, personalised):
    product = personalised("print_png", fields=(NAME,))
    url = picture_url(client.get(preview_url(product, Name="Françoise"), headers=HTMX).get_data(as_text=True))

    first, second = client.get(url), client.get(url)
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Cache-Control"] in {"private, max-age=3600", "max-age=3600, private"}
    assert (unchanged.status_code, unchanged.data) == (304, b"")


@pytest.mark.parametrize("headers", [HTMX, {}])
def test_characters_the_font_cannot_draw_are_named_in_the_fragment_instead_of_a_picture(client, personalised, headers):
    product = personalised("print_png", fields=(NAME,))

    response = client.get(preview_url(product, Name="Zoë 你 🎉"), headers=headers)

    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "These characters can't be printed: 你, 🎉 (in “Name”)." in html
    assert "/preview.png" not in html
    if not headers:
        assert "<html" in html and 'value="Zoë 你 🎉"' in html, "without htmx: the product page, text kept"


def test_the_picture_is_refused_too_for_text_that_cannot_be_printed_or_is_too_long(client, personalised):
    product = personalised("print_png", fields=(NAME,))
    picture = f"/products/{product.slug}/preview.png?{quote('personalisation[Name]')}="

    unprintable = client.get(picture + quote("你"))
    too_long = client.get(picture + "A" * 31)
    longest = client.get(picture + "A" * 30)

    assert (unprintable.status_code, unprintable.mimetype) == (422, "text/plain")
    assert "This character can't be printed: 你" in unprintable.get_data(as_text=True)
    assert too_long.status_code == 422 and "at most 30 characters" in too_long.get_data(as_text=True)
    assert opened_image(longest.data).size == (300, 400)


def test_ordinary_and_hidden_products_have_no_preview(client, personalised):
    hidden = personalised(fields=(NAME,))
    hidden.is_published = False
    db.session.commit()
    ordinary = personalised(fields=())

    assert client.get(preview_url(hidden, Name="Ada"), headers=HTMX).status_code == 404
    assert client.get(f"/products/{hidden.slug}/preview.png").status_code == 404
    assert client.get(preview_url(ordinary, Name="Ada"), headers=HTMX).status_code == 404


def test_previews_are_rate_limited_per_address(app, personalised):
    product = personalised("print_png", fields=(NAME,))
    shop = create_app({**TEST_SETTINGS, "RATELIMIT_ENABLED": True})
    client = shop.test_client()
    allowed = int(PREVIEW_LIMIT.split()[0])

    answers = [client.get(preview_url(product, Name=f"Ada {n}"), headers=HTMX).status_code for n in range(allowed)]
    refused = client.get(preview_url(product, Name="Grace"), headers=HTMX)
    picture = client.get(f"/products/{product.slug}/preview.png")

    assert answers == [200] * allowed
    assert refused.status_code == 429 and "Too many requests" in refused.get_data(as_text=True)
    assert picture.status_code == 429, "the picture shares the fragment's limit"


def test_the_previewed_text_is_the_text_rendered_after_payment(app, personalised, paid_order):
    product = personalised("certificate_pdf", fields=(NAME,))

    order = paid_order(product, {"Name": "José Müller"})

    assert "José Müller" in pdf_text(stored_private(rendition_of(order).storage_key))
