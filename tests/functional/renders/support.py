"""Helpers for render tests: pictures to upload, buying a personalised product, reading what was rendered."""

import io
from dataclasses import replace

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from storefront.renders.models import Rendition
from storefront.renders.templates import TEMPLATES
from storefront.storage import get_storage
from tests.factories import make_product
from tests.functional.checkout.support import order_paid_on

STAR_MAP_FIELD = "Name on the print"


def picture(size=(2000, 1000), image_format="JPEG", mode="RGB", colour=(40, 90, 160)):
    """The bytes of a picture as a camera or an editor would save it."""
    buffer = io.BytesIO()
    if mode == "RGBA":
        colour = (*colour, 128)
    Image.new(mode, size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def personalised_star_map():
    """A published product rendered per order as a PDF certificate, with one buyer field."""
    product = make_product(title="Personalised Star Map", price_cents=1900, with_image=False)
    product.render_template = "certificate_pdf"
    product.buyer_fields = [STAR_MAP_FIELD]
    db.session.commit()
    return product


def add_with_fields(shopper, product, personalisation, **headers):
    """Add `product` from its page, the buyer fields filled in as `personalisation` (label -> text)."""
    fields = {f"personalisation[{label}]": value for label, value in personalisation.items()}
    return shopper.client.post(
        "/cart/add", data={"product_id": product.id, "quantity": 1, **fields}, headers=headers or None
    )


def buy_personalised(shopper, product, personalisation):
    """Add with the fields, check out as a guest and pay; returns the paid order."""
    assert add_with_fields(shopper, product, personalisation).status_code == 303
    response = shopper.check_out()
    assert response.status_code == 303, response.get_data(as_text=True)
    order = order_paid_on(response)
    shopper.pay(order)
    return order


def rendition_of(order):
    db.session.expire_all()
    return db.session.scalar(select(Rendition).where(Rendition.order_item_id == order.items[0].id))


def entitlements_of(order):
    db.session.expire_all()
    item_ids = [item.id for item in order.items]
    query = select(DownloadEntitlement).where(DownloadEntitlement.order_item_id.in_(item_ids))
    return db.session.scalars(query).all()


def stored_private(key):
    return get_storage().read(key)


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def opened_image(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def deliveries_of(kind):
    db.session.expire_all()
    return db.session.scalars(select(EmailDelivery).where(EmailDelivery.kind == kind)).all()


def fail_template(monkeypatch, name, message="printer on fire", times=None):
    """Make render template `name` raise RuntimeError(message) (every time, or the first `times` calls); returns
    the call log."""
    template = TEMPLATES[name]
    calls = []

    def render(title, fields):
        calls.append(fields)
        if times is None or len(calls) <= times:
            raise RuntimeError(message)
        return template.render(title, fields)

    monkeypatch.setitem(TEMPLATES, name, replace(template, render=render))
    return calls
