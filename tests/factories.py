"""Test data built through the same services the app uses."""

from itertools import count

from storefront.accounts.models import Role
from storefront.accounts.services import register_user
from storefront.catalog.models import Category, Product, ProductImage, ProductKind
from storefront.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_sequence = count(1)


def make_user(email=None, password=DEFAULT_PASSWORD, role=Role.CUSTOMER):
    user = register_user(email or f"shopper{next(_sequence)}@example.com", password, terms_version="test", role=role)
    db.session.commit()
    return user


def make_category(name="Prints", slug=None):
    category = Category(name=name, slug=slug or name.lower().replace(" ", "-"))
    db.session.add(category)
    db.session.commit()
    return category


def make_product(
    title=None,
    price_cents=1000,
    kind=ProductKind.DIGITAL,
    category=None,
    published=True,
    stock=None,
    description="",
    created_at=None,
    with_image=True,
):
    number = next(_sequence)
    title = title or f"Product {number}"
    product = Product(
        slug=f"{title.lower().replace(' ', '-')}-{number}",
        title=title,
        description_md=description,
        price_cents=price_cents,
        currency="USD",
        kind=kind,
        is_published=published,
        stock=stock if kind == ProductKind.PHYSICAL else None,
        category=category,
    )
    if created_at is not None:
        product.created_at = created_at
    if with_image:
        product.images.append(
            ProductImage(storage_key=f"products/{product.slug}/cover.jpg", alt_text=f"Cover of {title}")
        )
    db.session.add(product)
    db.session.commit()
    return product


def make_star_map(title="Personalised Star Map"):
    """A product rendered per order (a PDF certificate) with one buyer field, "Name on the print"."""
    product = make_product(title=title, price_cents=1900, with_image=False)
    product.render_template = "certificate_pdf"
    product.buyer_fields = ["Name on the print"]
    db.session.commit()
    return product
