"""Every shopper page as the browser gets it: no id used twice (labels, aria references and htmx targets pick the
first one, so a repeat silently breaks them), and the favicon linked from each and served."""

import re
from html.parser import HTMLParser

import pytest

from tests.functional.checkout.support import digital, physical


class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(value for name, value in attrs if name == "id")


def repeated_ids(html):
    collector = IdCollector()
    collector.feed(html)
    return sorted({found for found in collector.ids if collector.ids.count(found) > 1})


def shopper_pages(shopper):
    """The path of every page a shopper meets, with an order left at the payment page and one paid."""
    mug, guide = physical(title="Harbour Mug"), digital(title="Field Guide")
    paid = shopper.place(guide)
    shopper.pay(paid)
    left = shopper.place(mug)
    shopper.add(guide)
    return [
        "/",
        "/?q=harbour&sort=price_asc",
        f"/products/{mug.slug}",
        f"/products/{guide.slug}",
        "/cart/",
        "/checkout/",
        f"/payments/dummy/{left.gateway_session_id}",
        f"/checkout/returned/{left.number}",
        f"/checkout/complete/{left.number}",
        f"/checkout/complete/{paid.number}",
        "/account/login",
        "/account/register",
        "/account/reset",
        "/orders/lookup",
    ]


def test_no_shopper_page_repeats_an_id(shopper):
    pages = shopper_pages(shopper)

    for path in pages:
        response = shopper.client.get(path)
        assert response.status_code == 200, path
        assert repeated_ids(response.get_data(as_text=True)) == [], path


def test_the_checkout_form_sends_its_source_once(shopper):
    shopper.add(digital())

    page = shopper.client.get("/checkout/").get_data(as_text=True)

    assert page.count('name="source"') == 1


@pytest.mark.parametrize("path", ["/", "/cart/", "/account/login"])
def test_pages_link_the_favicon_which_is_served(client, path):
    page = client.get(path).get_data(as_text=True)
    icon = client.get("/static/img/favicon.svg")

    # The URL carries the file's content hash (storefront.assets).
    assert re.search(r'<link rel="icon" href="/static/img/favicon.svg\?v=[0-9a-f]{12}" type="image/svg\+xml">', page)
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
