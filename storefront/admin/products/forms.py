"""Reading the product forms: text fields into ProductFields, or ProductRefused naming the field that is wrong."""

from decimal import Decimal

from storefront.catalog.admin_services import MAX_STOCK, ProductFields, ProductRefused, sanitised_slug
from storefront.integers import parse_int
from storefront.money import minor_unit_exponent, parse_major_amount


def parse_product_fields(form, currency):
    """The product the form describes; the slug is sanitised (from the title when left empty)."""
    title = " ".join(form.get("title", "").split())
    render_template = form.get("render_template", "").strip() or None
    return ProductFields(
        title=title,
        slug=sanitised_slug(form.get("slug", "").strip() or title),
        description_md=form.get("description_md", "").replace("\r\n", "\n"),
        price_cents=_price(form.get("price", ""), currency),
        currency=currency,
        kind=form.get("kind", ""),
        category_id=_optional_id(form.get("category_id", "")),
        stock=parse_whole(form.get("stock", ""), "Stock", optional=True),
        render_template=render_template,
        buyer_fields=_labels(form.get("buyer_fields", "")),
    )


def parse_whole(text, label, optional=False, minimum=0):
    """A whole number from `minimum` to MAX_STOCK typed in a field called `label`."""
    text = text.strip()
    if optional and not text:
        return None
    value = parse_int(text, minimum, MAX_STOCK)
    if value is None:
        raise ProductRefused(f"{label} is a whole number from {minimum:,} to {MAX_STOCK:,}.")
    return value


def parse_delta(text):
    """A signed stock change such as "+5" or "-2"."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    return sign * parse_whole(text.lstrip("+-"), "The change", minimum=1)


def _price(text, currency):
    try:
        return parse_major_amount(text, currency)
    except ValueError as problem:
        raise ProductRefused(f"The price {problem}.") from None


def _optional_id(text):
    if not text.strip():
        return None
    value = parse_int(text.strip(), 1, 2**31 - 1)
    if value is None:
        raise ProductRefused("There is no such category.")
    return value


def _labels(text):
    """One buyer field label per line, blank lines and repeats dropped."""
    labels = [" ".join(line.split()) for line in text.splitlines()]
    return list(dict.fromkeys(label for label in labels if label))


def form_values(product, currency):
    """The form's fields as typed, filled from `product` for the edit page."""
    exponent = minor_unit_exponent(currency)
    return {
        "title": product.title,
        "slug": product.slug,
        "description_md": product.description_md or "",
        "price": f"{Decimal(product.price_cents).scaleb(-exponent):.{exponent}f}",
        "kind": product.kind,
        "category_id": str(product.category_id or ""),
        "render_template": product.render_template or "",
        "buyer_fields": "\n".join(product.buyer_fields or []),
    }
