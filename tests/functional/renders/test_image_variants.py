"""An uploaded product image gets thumb, card and full variants in WebP and JPEG, made by a job, and the catalogue
serves them with srcset and lazy loading."""

import re

import pytest
from sqlalchemy import func, select

from storefront import jobs
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.renders.models import ProductImageVariant
from storefront.renders.services import InvalidImage, add_product_image
from storefront.renders.tasks import render_image_variants
from storefront.storage import get_storage
from tests.factories import make_category, make_product
from tests.functional.renders.support import opened_image, picture


def upload(product, data, alt_text="Cover"):
    """The admin's upload path: store the original, then commit, which queues (here: runs) the variants job."""
    image = add_product_image(product, data, alt_text)
    jobs.commit()
    return image


def variants_of(image):
    db.session.expire_all()
    query = select(ProductImageVariant).where(ProductImageVariant.image_id == image.id)
    return {(variant.name, variant.format): variant for variant in db.session.scalars(query)}


def test_an_uploaded_photo_gets_three_sizes_in_webp_and_jpeg(app):
    product = make_product(with_image=False)

    image = upload(product, picture((2000, 1000)))

    variants = variants_of(image)
    assert set(variants) == {(name, fmt) for name in ("thumb", "card", "full") for fmt in ("webp", "jpeg")}
    expected = {"thumb": (320, 160), "card": (640, 320), "full": (1280, 640)}
    for (name, fmt), variant in variants.items():
        stored = opened_image(get_storage().read(variant.storage_key, public=True))
        assert stored.format == {"webp": "WEBP", "jpeg": "JPEG"}[fmt]
        assert stored.size == expected[name] == (variant.width, variant.height)
    original = opened_image(get_storage().read(image.storage_key, public=True))
    assert original.size == (2000, 1000) == (image.width, image.height)


def test_a_small_transparent_png_is_never_upscaled(app):
    product = make_product(with_image=False)

    image = upload(product, picture((500, 400), "PNG", mode="RGBA"))

    sizes = {key: (variant.width, variant.height) for key, variant in variants_of(image).items()}
    assert sizes[("thumb", "jpeg")] == (320, 256)
    assert sizes[("card", "webp")] == sizes[("full", "jpeg")] == (500, 400)
    full = opened_image(get_storage().read(variants_of(image)[("full", "jpeg")].storage_key, public=True))
    assert full.mode == "RGB" and full.size == (500, 400)


def test_running_the_variants_job_again_creates_nothing_new(app):
    product = make_product(with_image=False)
    image = upload(product, picture((900, 600)))
    first = {key: variant.storage_key for key, variant in variants_of(image).items()}

    assert render_image_variants(image.id) == 0
    assert render_image_variants(image.id) == 0

    assert {key: variant.storage_key for key, variant in variants_of(image).items()} == first
    assert db.session.scalar(select(func.count(ProductImageVariant.id))) == 6


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_kept(app):
    product = make_product(with_image=False)

    with pytest.raises(InvalidImage):
        add_product_image(product, b"%PDF-1.4 definitely not a photo", "Cover")
    jobs.rollback()

    assert db.session.scalar(select(func.count(ProductImage.id))) == 0


def srcset_of(html, selector):
    return re.search(selector + r' srcset="([^"]+)"', html).group(1).split(", ")


def test_catalogue_card_uses_a_webp_srcset_with_jpeg_fallback_and_lazy_loading(app, client):
    product = make_product(title="Night Sky", with_image=False)
    image = upload(product, picture((1600, 1200)), alt_text="A night sky")

    html = client.get("/").get_data(as_text=True)

    webp = srcset_of(html, '<source type="image/webp"')
    assert webp == [
        f"/media/products/variants/{image.id}/thumb-320.webp 320w",
        f"/media/products/variants/{image.id}/card-640.webp 640w",
        f"/media/products/variants/{image.id}/full-1280.webp 1280w",
    ]
    card = re.search(r"<img [^>]*>", html.split('<article class="product-card">')[1]).group(0)
    assert f'srcset="/media/products/variants/{image.id}/thumb-320.jpg 320w, ' in card
    assert 'sizes="' in card and 'loading="lazy"' in card and 'alt="A night sky"' in card
    assert 'width="1280" height="960"' in card
    assert client.get(webp[0].split()[0]).headers["Content-Type"] == "image/webp"


def test_product_page_loads_its_first_picture_at_once_and_the_rest_lazily(app, client):
    product = make_product(title="Night Sky", with_image=False)
    upload(product, picture((1600, 1200)))
    upload(product, picture((1200, 1600)), alt_text="Back")

    html = client.get(f"/products/{product.slug}").get_data(as_text=True)

    images = re.findall(r"<img [^>]*>", html.split('<div class="gallery">')[1].split("</div>")[0])
    assert len(images) == 2
    assert "loading=" not in images[0] and 'loading="lazy"' in images[1]
    assert html.count('<source type="image/webp"') == 2


def test_an_image_without_variants_yet_falls_back_to_the_original(app, client):
    make_product(title="Fresh Upload")  # the factory's image has no variants

    html = client.get("/").get_data(as_text=True)

    assert "<picture>" not in html
    assert re.search(r'<img src="/media/products/fresh-upload-\d+/cover.jpg"[^>]* loading="lazy"', html)


def test_catalogue_with_variants_costs_the_same_statements_for_2_or_12_products(app, client, count_queries):
    def add_products(numbers):
        for number in numbers:
            category = make_category(f"Category {number}")
            upload(make_product(title=f"Item {number}", category=category, with_image=False), picture((400, 300)))

    add_products(range(2))
    with count_queries() as two:
        assert client.get("/").get_data(as_text=True).count("<picture>") == 2
    add_products(range(2, 12))
    with count_queries() as twelve:
        assert client.get("/").get_data(as_text=True).count("<picture>") == 12
    assert twelve.count == two.count


def test_the_variants_job_runs_from_a_real_queue_after_the_upload_commits(app, queue, run_worker):
    product = make_product(with_image=False)

    image = upload(product, picture((1000, 800)))

    assert variants_of(image) == {}, "nothing is rendered before a worker picks the job up"
    assert queue.job_ids == [f"image-variants-{image.id}"]
    run_worker()
    assert len(variants_of(image)) == 6


def test_seed_demo_queues_variants_for_every_demo_image(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    images = db.session.scalars(select(ProductImage)).all()
    assert len(images) >= 12
    assert all(len(image.variants) == 6 for image in images)
