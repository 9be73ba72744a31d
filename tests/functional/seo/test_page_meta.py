"""What a search engine or a link preview reads from the catalogue and product pages: title, description, canonical
URL and OpenGraph, and on product pages a schema.org Product that says the price and whether it can be bought."""

import json

from storefront import jobs
from storefront.catalog.models import ProductKind
from storefront.extensions import db
from storefront.renders.services import add_product_image
from tests.factories import make_category, make_product
from tests.functional.renders.support import picture
from tests.functional.seo.support import SHOP, read_head


def product_data(client, product):
    head = read_head(client.get(f"/products/{product.slug}"))
    assert len(head.json_ld) == 1
    return head.json_ld[0]


def test_the_catalogue_names_itself_and_its_one_canonical_listing(shop, client):
    make_category("Prints")

    head = read_head(client.get("/?q=sun&category=prints&sort=price_asc&page=2"))

    assert head.canonical == [f"{SHOP}/?category=prints&page=2"]
    assert head.meta["og:url"] == f"{SHOP}/?category=prints&page=2"
    assert head.meta["og:title"] == "Prints · Storefront"
    assert head.meta["og:type"] == "website"
    assert "Prints" in head.meta["description"] and head.meta["og:description"] == head.meta["description"]
    assert read_head(client.get("/?sort=price_desc")).canonical == [f"{SHOP}/"]


def test_a_product_page_describes_the_product_for_previews(shop, client):
    description = "A **warm** sunrise over the bay.\n\n" + "Long. " * 60
    product = make_product(title="Sunrise Print", description=description, with_image=False)
    add_product_image(product, picture((1600, 1200)), "Sunrise")
    jobs.commit()  # runs the variants job

    response = client.get(f"/products/{product.slug}")
    head = read_head(response)

    assert "<title>Sunrise Print · Storefront</title>" in response.get_data(as_text=True)
    assert head.canonical == [f"{SHOP}/products/{product.slug}"]
    assert head.meta["og:url"] == f"{SHOP}/products/{product.slug}"
    assert head.meta["og:type"] == "product"
    assert head.meta["og:title"] == "Sunrise Print · Storefront"
    assert head.meta["description"].startswith("A warm sunrise over the bay. Long.")
    assert len(head.meta["description"]) <= 160 and head.meta["description"].endswith("…")
    assert head.meta["og:image"].startswith(f"{SHOP}/media/products/variants/")
    assert head.meta["og:image"].endswith("/full-1280.jpg")


def test_every_product_picture_says_its_size_so_nothing_shifts_as_it_loads(shop, client):
    product = make_product(title="Sunrise Print", with_image=False)
    add_product_image(product, picture((1600, 1200)), "Front")
    add_product_image(product, picture((900, 1200)), "Back")
    jobs.commit()

    for url in ("/", f"/products/{product.slug}"):
        images = read_head(client.get(url)).images
        assert images, url
        for image in images:
            assert int(image["width"]) > 0 and int(image["height"]) > 0, (url, image)
            assert image["srcset"], (url, image)
    gallery = read_head(client.get(f"/products/{product.slug}")).images
    assert [(image["width"], image["height"]) for image in gallery] == [("1280", "960"), ("900", "1200")]
    assert "loading" not in gallery[0] and gallery[1]["loading"] == "lazy"


def test_the_product_json_ld_carries_name_price_currency_and_availability(shop, client):
    category = make_category("Prints")
    product = make_product(title="Sunrise Print", price_cents=1900, description="Warm light.", category=category)

    data = product_data(client, product)

    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert (data["name"], data["description"], data["sku"]) == ("Sunrise Print", "Warm light.", product.slug)
    assert data["category"] == "Prints"
    assert data["image"] == [f"{SHOP}/media/products/{product.slug}/cover.jpg"]
    assert data["offers"] == {
        "@type": "Offer",
        "url": f"{SHOP}/products/{product.slug}",
        "price": "19.00",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
    }
    assert "aggregateRating" not in data  # no reviews yet: no empty rating


def test_availability_switches_to_out_of_stock_when_the_last_one_is_sold(shop, client):
    product = make_product(title="Tide Clock", kind=ProductKind.PHYSICAL, stock=1, price_cents=4550)
    assert product_data(client, product)["offers"]["availability"] == "https://schema.org/InStock"

    product.stock = 0
    db.session.commit()

    offer = product_data(client, product)["offers"]
    assert offer["availability"] == "https://schema.org/OutOfStock"
    assert offer["price"] == "45.50"


def test_a_title_cannot_close_the_json_ld_block(shop, client):
    product = make_product(title="Evil")
    product.title = "Evil </script><script>alert(1)</script>"
    db.session.commit()

    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    block = page.split('<script type="application/ld+json">')[1].split("</script>")[0]

    assert json.loads(block)["name"] == "Evil </script><script>alert(1)</script>"
    assert "<script>alert" not in page
