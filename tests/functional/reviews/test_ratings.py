"""The product's rating: the average of approved reviews only, to one decimal (halves round up), with the count;
shown on the product page and the catalogue cards, given to search engines as schema.org aggregateRating only when
there is one, and a catalogue sort ("Best rated") that puts unreviewed products last in a fixed number of queries."""

import pytest

from storefront.extensions import db
from storefront.reviews import services
from storefront.reviews.models import Review, ReviewStatus
from tests.factories import make_product, make_user
from tests.functional.checkout.support import page_text
from tests.functional.reviews.support import buyer_of, moderate, rating_of, reviews_of, write
from tests.functional.seo.support import read_head


def reviewed(admin, app, product, *ratings, approve=True):
    """One buyer per rating reviews `product`; the admin approves each (or leaves them pending)."""
    for rating in ratings:
        _user, buyer, _order = buyer_of(app, product)
        write(buyer.client, product, rating=rating)
    if approve:
        for review in reviews_of(product):
            if review.status == ReviewStatus.PENDING:
                moderate(admin, review, "approve")


def rated(product, *ratings):
    """Approved reviews straight through the services (for tests about many products at once)."""
    boss = make_user()
    for rating in ratings:
        review = Review(product_id=product.id, user_id=make_user().id, rating=rating, body="Fine product, as said.")
        db.session.add(review)
        db.session.flush()
        services.approve(review, boss)
    db.session.commit()


@pytest.mark.parametrize(
    "ratings, count, average",
    [((5,), 1, "5.0"), ((4, 5), 2, "4.5"), ((5, 5, 4), 3, "4.7"), ((4, 4, 4, 5), 4, "4.3"), ((1, 2), 2, "1.5")],
)
def test_the_average_has_one_decimal_and_halves_round_up(app, client, ratings, count, average):
    product = make_product(with_image=False)
    rated(product, *ratings)

    page = page_text(client.get(f"/products/{product.slug}"))

    assert str(rating_of(product)[2]) == average
    assert f"<strong>{average}</strong> out of 5" in page
    assert f"{count} review{'' if count == 1 else 's'}" in page


def test_only_approved_reviews_count(app, admin, client):
    product = make_product(with_image=False)
    reviewed(admin, app, product, 5, 3)
    reviewed(admin, app, product, 1, approve=False)  # pending
    _user, buyer, _order = buyer_of(app, product)
    write(buyer.client, product, rating=1)
    moderate(admin, reviews_of(product)[-1], "reject", reason="Off topic.")

    assert rating_of(product) == (2, 8, pytest.approx(4))
    page = page_text(client.get(f"/products/{product.slug}"))
    assert "<strong>4.0</strong> out of 5" in page and "2 reviews" in page


def test_json_ld_carries_the_rating_only_with_approved_reviews(app, admin, client):
    product = make_product(with_image=False)
    reviewed(admin, app, product, 5, approve=False)

    [before] = read_head(client.get(f"/products/{product.slug}")).json_ld
    assert "aggregateRating" not in before

    reviewed(admin, app, product, 4, 4)
    [data] = read_head(client.get(f"/products/{product.slug}")).json_ld

    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.3,
        "reviewCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_the_catalogue_sorts_best_rated_first_and_unreviewed_last(app, client):
    unreviewed = make_product(title="Unreviewed", with_image=False)
    good, best, popular = (make_product(title=title, with_image=False) for title in ("Good", "Best", "Popular"))
    rated(good, 4)
    rated(best, 5)
    rated(popular, 4, 4, 4)

    page = page_text(client.get("/?sort=rating"))

    positions = [page.index(f"<h2>{title}</h2>") for title in ("Best", "Popular", "Good", "Unreviewed")]
    assert positions == sorted(positions), "best average first, then more reviews, then products without any"
    assert '<option selected value="rating">Best rated</option>' in page
    assert '4.0<span class="visually-hidden"> out of 5</span> (3 reviews)' in page
    assert unreviewed.title in page


def test_sorting_by_rating_runs_as_many_statements_for_three_products_as_for_thirty(app, client, count_queries):
    for number in range(3):
        rated(make_product(), 1 + number % 5)
    client.get("/?sort=rating")  # warm up (session, categories)
    with count_queries() as few:
        assert client.get("/?sort=rating").status_code == 200
    for number in range(27):
        rated(make_product(), 1 + number % 5)
    with count_queries() as many:
        assert client.get("/?sort=rating").status_code == 200

    assert many.count == few.count


def test_the_reviews_are_paged_with_htmx_and_each_page_has_its_own_url(app, client):
    product = make_product(with_image=False)
    rated(product, *([5] * 12))

    first = page_text(client.get(f"/products/{product.slug}"))
    assert first.count('class="review"') == 10 and f"/products/{product.slug}?page=2" in first

    fragment = client.get(f"/products/{product.slug}?page=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = page_text(fragment)
    assert "<html" not in text and text.count('class="review"') == 2 and 'id="reviews-list"' in text

    full = page_text(client.get(f"/products/{product.slug}?page=2"))
    assert "<html" in full and full.count('class="review"') == 2 and "Page 2 of 2" in full
    assert client.get(f"/products/{product.slug}?page=abc").status_code == 200  # a bad page is the first
