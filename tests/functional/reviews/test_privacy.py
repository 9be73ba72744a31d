"""For the privacy work: a customer's reviews in their data export, and anonymised when their account goes (stars
and text stay, the link to them does not: the review then reads "A former customer")."""

from sqlalchemy import select

from storefront import jobs
from storefront.extensions import db
from storefront.reviews.models import Review
from storefront.reviews.services import anonymise_for_user, export_for_user
from tests.factories import make_user
from tests.functional.checkout.support import digital, page_text
from tests.functional.reviews.support import buyer_of, moderate, rating_of, reviews_of, write


def test_the_export_holds_every_review_of_the_user_and_no_one_elses(app, admin):
    clock, lamp = digital(title="Tide Clock"), digital(title="Lamp")
    user, buyer, _order = buyer_of(app, clock, lamp)
    write(buyer.client, clock, rating=5, body="Keeps perfect time with the tides.")
    write(buyer.client, lamp, rating=2, body="Flickers when the ferry passes.")
    moderate(admin, reviews_of(lamp)[0], "reject", reason="Please describe the lamp itself.")
    _other, stranger, _order = buyer_of(app, clock)
    write(stranger.client, clock, body="Someone else's review text.")

    exported = export_for_user(user)

    assert [(row["product"], row["rating"], row["text"], row["status"]) for row in exported] == [
        ("Tide Clock", 5, "Keeps perfect time with the tides.", "pending"),
        ("Lamp", 2, "Flickers when the ferry passes.", "rejected"),
    ]
    assert exported[1]["rejection_reason"] == "Please describe the lamp itself."
    assert exported[0]["product_slug"] == clock.slug and exported[0]["written_at"]
    assert export_for_user(make_user()) == []


def test_anonymising_keeps_stars_and_text_and_shows_a_former_customer(app, admin, client):
    clock = digital(title="Tide Clock")
    user, buyer, _order = buyer_of(app, clock)
    write(buyer.client, clock, rating=4, body="Keeps perfect time with the tides.")
    moderate(admin, reviews_of(clock)[0], "approve")
    _other, stranger, _order = buyer_of(app, clock)
    write(stranger.client, clock, rating=2, body="Someone else's review text.")

    assert anonymise_for_user(user) == 1
    jobs.commit()

    [mine, theirs] = reviews_of(clock)
    assert (mine.user_id, mine.rating, mine.body) == (None, 4, "Keeps perfect time with the tides.")
    assert mine.anonymised_at is not None and theirs.user_id is not None
    page = page_text(client.get(f"/products/{clock.slug}"))
    assert "A former customer" in page and "Keeps perfect time" in page
    assert rating_of(clock)[:2] == (1, 4)
    assert export_for_user(user) == []
    assert "Edit your review" not in page_text(buyer.client.get(f"/products/{clock.slug}"))


def test_after_anonymising_the_account_can_go_and_the_review_stays(app, admin):
    clock = digital()
    user, buyer, _order = buyer_of(app, clock)
    write(buyer.client, clock)
    anonymise_for_user(user)
    db.session.delete(db.session.merge(user))
    jobs.commit()

    assert db.session.scalar(select(Review.body)) is not None
