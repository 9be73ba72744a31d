"""A product rendered per order: after payment a job renders the buyer's own file, stores it privately and grants
its download, once, however often the job runs."""

from dataclasses import replace

from sqlalchemy import text

from storefront import jobs
from storefront.downloads.services import grant_entitlements
from storefront.extensions import db
from storefront.renders.tasks import render_order_item
from storefront.renders.templates import TEMPLATES
from storefront.storage import get_storage
from tests.functional.renders.support import (
    STAR_MAP_FIELD,
    deliveries_of,
    entitlements_of,
    opened_image,
    pdf_text,
    rendition_of,
    stored_private,
)


def test_a_paid_star_map_becomes_a_pdf_with_the_buyers_name(app, personalised, paid_order):
    product = personalised("certificate_pdf")

    order = paid_order(product, {STAR_MAP_FIELD: "  Ada   Lovelace "})

    item = order.items[0]
    assert item.personalisation == {STAR_MAP_FIELD: "Ada Lovelace"}
    rendition = rendition_of(order)
    assert (rendition.status, rendition.progress, rendition.attempts, rendition.last_error) == ("done", 100, 1, None)
    assert rendition.storage_key == f"renders/{order.number}/{item.id}/{product.slug}.pdf"
    data = stored_private(rendition.storage_key)
    assert data.startswith(b"%PDF-")
    text_in_pdf = pdf_text(data)
    assert "Ada Lovelace" in text_in_pdf and STAR_MAP_FIELD in text_in_pdf
    assert not get_storage().exists(rendition.storage_key, public=True), "deliverables are never public"
    [entitlement] = entitlements_of(order)
    assert (entitlement.storage_key, entitlement.file_name) == (rendition.storage_key, f"{product.slug}.pdf")
    assert (entitlement.content_type, entitlement.size_bytes) == ("application/pdf", len(data))
    assert len(deliveries_of("downloads_ready")) == 1


def test_a_png_print_carries_every_field_the_buyer_filled_in(app, personalised, paid_order):
    product = personalised("print_png", fields=("Name", "Date"), title="Name Poster")

    order = paid_order(product, {"Name": "Grace Hopper", "Date": "9 December 1906"})

    data = stored_private(rendition_of(order).storage_key)
    image = opened_image(data)
    assert (image.format, image.size) == ("PNG", (1200, 1600))
    assert image.text["Description"] == "Name: Grace Hopper\nDate: 9 December 1906"
    [entitlement] = entitlements_of(order)
    assert (entitlement.content_type, entitlement.size_bytes) == ("image/png", len(data))


def test_the_drawn_text_is_the_buyers_not_just_the_metadata(app):
    """The same print for two names differs in its pixels, and only where the name is drawn."""
    render = TEMPLATES["print_png"].render
    ada = opened_image(render("Name Poster", {"Name": "Ada"})).convert("RGB")
    grace = opened_image(render("Name Poster", {"Name": "Grace"})).convert("RGB")
    same_again = opened_image(render("Name Poster", {"Name": "Ada"})).convert("RGB")

    assert ada.tobytes() == same_again.tobytes()
    assert ada.tobytes() != grace.tobytes()


def test_running_the_render_job_again_creates_nothing_twice(app, personalised, paid_order):
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)

    render_order_item(rendition.id)
    render_order_item(rendition.id)
    grant_entitlements(order)  # a duplicated grant job: the rendition is done, so nothing is queued
    jobs.commit()

    again = rendition_of(order)
    assert (again.id, again.status, again.attempts) == (rendition.id, "done", 1)
    assert len(entitlements_of(order)) == 1
    folder = get_storage().root / "private" / "renders" / order.number
    assert len([path for path in folder.rglob("*") if path.is_file()]) == 1
    assert len(deliveries_of("downloads_ready")) == 1


def test_a_job_retried_after_a_crash_mid_render_still_grants_one_file(app, personalised, paid_order):
    order = paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})
    rendition = rendition_of(order)
    # As if the worker died after granting but before marking the rendition done.
    rendition.status, rendition.progress = "rendering", 60
    db.session.commit()

    render_order_item(rendition.id)

    again = rendition_of(order)
    assert (again.status, again.attempts) == ("done", 2)
    assert len(entitlements_of(order)) == 1
    assert len(deliveries_of("downloads_ready")) == 1


def test_progress_is_committed_as_the_job_goes(app, personalised, paid_order, monkeypatch):
    seen = []

    def committed_progress():
        with db.engine.connect() as connection:  # a connection of its own sees only what was committed
            return connection.execute(text("SELECT status, progress FROM renditions")).one()

    template = TEMPLATES["certificate_pdf"]

    def spying_render(title, fields):
        seen.append(tuple(committed_progress()))
        return template.render(title, fields)

    monkeypatch.setitem(TEMPLATES, "certificate_pdf", replace(template, render=spying_render))
    storage = get_storage()
    original_put = storage.put

    def spying_put(key, *args, **kwargs):
        if key.startswith("renders/"):
            seen.append(tuple(committed_progress()))
        return original_put(key, *args, **kwargs)

    monkeypatch.setattr(storage, "put", spying_put)

    paid_order(personalised(), {STAR_MAP_FIELD: "Ada Lovelace"})

    assert seen == [("rendering", 10), ("rendering", 60)]
    assert tuple(committed_progress()) == ("done", 100)
