"""Helpers for checkout tests: a shopper driving the real pages, products, and what the database says."""

from html import unescape
from urllib.parse import urlsplit

from sqlalchemy import func, select

from storefront.cart.models import CartItem
from storefront.catalog.models import Product, ProductKind
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Order
from tests.factories import DEFAULT_PASSWORD, make_product

GUEST_EMAIL = "guest@example.com"
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "postal_code": "N1 7AA",
    "city": "London",
    "country": "gb",
}


class Shopper:
    """One browser session in the shop: its own cookies, cart and remembered orders."""

    def __init__(self, client):
        self.client = client

    def log_in(self, user, password=DEFAULT_PASSWORD):
        return self.client.post("/account/login", data={"email": user.email, "password": password})

    def add(self, product, quantity=1):
        return self.client.post("/cart/add", data={"product_id": product.id, "quantity": quantity})

    def check_out(self, email=GUEST_EMAIL, **fields):
        return self.client.post("/checkout/", data={"source": "cart", "email": email, **fields})

    def buy_now(self, product, quantity=1):
        return self.client.post("/checkout/buy-now", data={"product_id": product.id, "quantity": quantity})

    def place(self, *products, email=GUEST_EMAIL):
        """Add `products` to the cart and check out; returns the pending order the gateway was handed."""
        for product in products:
            assert self.add(product).status_code == 303
        response = self.check_out(email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return order_paid_on(response)

    def gateway(self, order, action, **fields):
        """Press a button on the dummy gateway's page for `order`."""
        return self.client.post(f"/payments/dummy/{order.gateway_session_id}", data={"action": action, **fields})

    def pay(self, order, action="pay"):
        address = ADDRESS if order.requires_shipping else {}
        response = self.gateway(order, action, **address)
        assert response.status_code == 303, response.get_data(as_text=True)
        db.session.refresh(order)
        return response


def order_paid_on(response):
    """The order whose dummy payment page `response` redirects to."""
    path = urlsplit(response.headers["Location"]).path
    assert path.startswith("/payments/dummy/"), path
    session_id = path.rsplit("/", 1)[1]
    return db.session.scalar(select(Order).where(Order.gateway_session_id == session_id))


def physical(price_cents=2000, stock=5, **kwargs):
    return make_product(price_cents=price_cents, kind=ProductKind.PHYSICAL, stock=stock, **kwargs)


def digital(price_cents=1500, **kwargs):
    return make_product(price_cents=price_cents, kind=ProductKind.DIGITAL, **kwargs)


def stock_of(product):
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def order_count():
    return db.session.scalar(select(func.count(Order.id)))


def titles_in_cart(cart_id):
    query = select(Product.title).join(CartItem, CartItem.product_id == Product.id).where(CartItem.cart_id == cart_id)
    return db.session.scalars(query.order_by(CartItem.id)).all()


def emails_to(address):
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def page_text(response):
    return unescape(response.get_data(as_text=True))
