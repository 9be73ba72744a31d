"""Reading the product forms: text fields into ProductFields, or ProductRefused naming the field that is wrong."""

from decimal import Decimal

from storefront.catalog.admin_services import MAX_BUYER_FIELDS, MAX_STOCK, ProductFields, ProductRefused, sanitised_slug
from storefront.catalog.buyer_fields import MAX_FIELD_LENGTH, FieldKind, buyer_field
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
        buyer_fields=_buyer_fields(form),
        fresh_downloads_on_update=form.get("fresh_downloads_on_update") == "1",
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


def buyer_field_rows():
    """The numbers of the buyer field rows on the form (`buyer_label_<n>`, `buyer_kind_<n>`, `buyer_max_<n>`)."""
    return range(1, MAX_BUYER_FIELDS + 1)


def _buyer_field(form, row):
    label = " ".join(form.get(f"buyer_label_{row}", "").split())
    if not label:
        return None
    kind = form.get(f"buyer_kind_{row}", FieldKind.TEXT)
    if kind not in set(FieldKind):
        raise ProductRefused(f"Choose text or date for “{label}”.")
    limit_text = form.get(f"buyer_max_{row}", "").strip()
    limit = parse_int(limit_text, 1, MAX_FIELD_LENGTH) if limit_text else MAX_FIELD_LENGTH
    if limit is None and kind == FieldKind.TEXT:
        raise ProductRefused(f"The length limit of “{label}” is a whole number from 1 to {MAX_FIELD_LENGTH}.")
    return buyer_field(label, kind, limit)


def _buyer_fields(form):
    """The buyer fields filled in on the form's rows, in order; a row without a label is skipped, a repeated
    label keeps its first row."""
    fields = (_buyer_field(form, row) for row in buyer_field_rows())
    by_label = {}
    for found in fields:
        if found is not None:
            by_label.setdefault(found.label, found)
    return list(by_label.values())


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
        "fresh_downloads_on_update": "1" if product.fresh_downloads_on_update else "",
        **_buyer_field_values(product.personalisation_fields),
    }


def _buyer_field_values(fields):
    values = {}
    for row, field in zip(buyer_field_rows(), fields, strict=False):
        values |= {f"buyer_label_{row}": field.label, f"buyer_kind_{row}": str(field.kind)}
        values[f"buyer_max_{row}"] = str(field.max_length)
    return values
