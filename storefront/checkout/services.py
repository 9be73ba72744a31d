"""What the shopper is about to pay: lines priced from the database, problems that block payment, totals."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from storefront.cart.services import max_quantity
from storefront.catalog.models import Product
from storefront.catalog.services import load_images
from storefront.extensions import db
from storefront.licences.services import load_policies
from storefront.renders.personalisation import personalisation_problem


@dataclass
class ReviewLine:
    product: Product
    quantity: int
    # The price shown when the item was added (None for "buy now", which shows the current price).
    seen_price_cents: int | None = None
    cart_item_id: int | None = None
    problem: str | None = None
    # The buyer's text for a personalised product (field label -> value), kept in the cart.
    personalisation: dict = field(default_factory=dict)

    @property
    def unit_price_cents(self):
        return self.product.price_cents

    @property
    def line_total_cents(self):
        return self.product.price_cents * self.quantity

    @property
    def price_changed(self):
        return self.seen_price_cents is not None and self.seen_price_cents != self.product.price_cents


@dataclass
class Review:
    lines: list[ReviewLine]
    currency: str
    subtotal_cents: int = 0
    shipping_cents: int = 0
    discount_cents: int = 0
    tax_cents: int = 0
    problems: list[str] = field(default_factory=list)
    # The promotion code whose discount is applied (storefront.promotions), if any.
    promo_code_id: int | None = None

    @property
    def total_cents(self):
        return self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents

    @property
    def requires_shipping(self):
        return any(not line.product.is_digital for line in self.lines)

    @property
    def can_pay(self):
        return bool(self.lines) and not self.problems and not any(line.problem for line in self.lines)


def _line_problem(line):
    product, quantity = line.product, line.quantity
    if not product.is_published:
        return "No longer available: remove it to continue."
    personalisation = personalisation_problem(product, line.personalisation)
    if personalisation:
        return f"Needs your personalisation: {personalisation}"
    limit = max_quantity(product)
    if limit == 0:
        return "Out of stock: remove it to continue."
    if quantity > limit:
        return f"Only {limit} available: lower the quantity to continue."
    return None


def shipping_cents_for(subtotal_cents, requires_shipping):
    """Flat rate for orders with physical items, free from FREE_SHIPPING_THRESHOLD_CENTS (0 turns that off)."""
    if not requires_shipping:
        return 0
    threshold = current_app.config["FREE_SHIPPING_THRESHOLD_CENTS"]
    if threshold and subtotal_cents >= threshold:
        return 0
    return current_app.config["SHIPPING_FLAT_RATE_CENTS"]


def review(lines):
    """Price `lines` from the products' current rows and collect what stops payment."""
    currencies = {line.product.currency for line in lines}
    currency = next(iter(currencies)) if len(currencies) == 1 else current_app.config["STORE_CURRENCY"]
    result = Review(lines=lines, currency=currency)
    if len(currencies) > 1:
        result.problems.append("Your cart mixes currencies; buy these items in separate orders.")
    for line in lines:
        line.problem = _line_problem(line)
    result.subtotal_cents = sum(line.line_total_cents for line in lines)
    result.shipping_cents = shipping_cents_for(result.subtotal_cents, result.requires_shipping)
    return result


def review_cart(cart):
    load_images(item.product for item in cart.items)  # the cart shows each line's picture
    load_policies(item.product for item in cart.items)  # and its quantity limit (seats for licensed downloads)
    lines = [
        ReviewLine(item.product, item.quantity, item.seen_price_cents, item.id, personalisation=item.personalisation)
        for item in cart.items
    ]
    return review(lines)


def review_buy_now(product_id, quantity):
    """A one-line review for "buy now"; None when the product does not exist or is hidden."""
    product = db.session.scalar(select(Product).where(Product.id == product_id, Product.is_published.is_(True)))
    if product is None:
        return None
    return review([ReviewLine(product, quantity)])
