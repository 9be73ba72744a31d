"""Crawlers find every product a shopper can buy through sitemap.xml, and robots.txt keeps them out of the private
areas; both are built from the catalogue and BASE_URL."""

import xml.etree.ElementTree as ET

from storefront.clock import utcnow
from storefront.extensions import db
from tests.factories import make_category, make_product
from tests.functional.seo.support import SHOP

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_of(client):
    response = client.get("/sitemap.xml", headers={"Host": "attacker.example"})
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")}


def test_the_sitemap_lists_the_catalogue_its_categories_and_only_published_products(shop, client):
    prints, _empty = make_category("Prints"), make_category("Empty shelf")
    sunrise = make_product(title="Sunrise", category=prints)
    make_product(title="Draft", published=False)
    archived = make_product(title="Old Stock")
    archived.archived_at = utcnow()
    db.session.commit()

    entries = sitemap_of(client)

    assert set(entries) == {f"{SHOP}/", f"{SHOP}/?category=prints", f"{SHOP}/products/{sunrise.slug}"}
    assert entries[f"{SHOP}/products/{sunrise.slug}"] == sunrise.updated_at.date().isoformat()
    assert entries[f"{SHOP}/"] == sunrise.updated_at.date().isoformat()


def test_an_empty_shop_has_a_sitemap_with_just_the_catalogue(shop, client):
    assert sitemap_of(client) == {f"{SHOP}/": None}


def test_robots_keeps_crawlers_out_of_private_areas_and_points_at_the_sitemap(shop, client):
    response = client.get("/robots.txt")

    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for area in ("/admin", "/cart", "/checkout", "/account", "/orders", "/payments", "/downloads", "/mail"):
        assert f"Disallow: {area}" in lines
    assert "Disallow: /" not in lines and "Disallow: /products" not in lines
    assert f"Sitemap: {SHOP}/sitemap.xml" in lines


def test_sitemap_and_robots_may_be_cached_by_anyone(shop, client):
    for url in ("/sitemap.xml", "/robots.txt"):
        cache_control = client.get(url).headers["Cache-Control"]
        assert "public" in cache_control and "max-age=3600" in cache_control, url
