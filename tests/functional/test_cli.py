"""`flask seed-demo` and `flask create-admin`, as an operator runs them."""

import re

from sqlalchemy import func, select

from storefront.accounts.models import Role, User
from storefront.catalog.models import Product, ProductFile, ProductKind
from storefront.extensions import db
from storefront.storage import get_storage
from tests.factories import make_user


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_fills_the_shop_and_prints_admin_credentials(app, client, auth):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 12
    assert {p.kind for p in products} == {ProductKind.DIGITAL, ProductKind.PHYSICAL}
    assert all(p.images and get_storage().exists(p.images[0].storage_key, public=True) for p in products)
    assert all(get_storage().exists(f.storage_key) for f in db.session.scalars(select(ProductFile)))
    email, password = re.search(r"Demo admin created: (\S+) / (\S+)", result.output).groups()
    assert auth.login(email, password).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert f"{len(products)} products" in client.get("/").get_data(as_text=True)


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    products, users = _count(Product), _count(User)

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert "0 products created" in again.output
    assert "password is unchanged" in again.output
    assert (_count(Product), _count(User)) == (products, users)


def test_create_admin_reads_the_password_from_the_environment(app, auth, client, monkeypatch):
    monkeypatch.setenv("STOREFRONT_ADMIN_PASSWORD", "a-long-enough-password")
    result = app.test_cli_runner().invoke(args=["create-admin", "Owner@Example.com"])

    assert result.exit_code == 0, result.output
    assert auth.login("owner@example.com", "a-long-enough-password").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_create_admin_asks_for_the_password_twice(app, monkeypatch):
    monkeypatch.delenv("STOREFRONT_ADMIN_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(
        args=["create-admin", "ops@example.com"], input="typed-password-1\ntyped-password-1\n"
    )

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "ops@example.com")) == Role.ADMIN


def test_create_admin_promotes_an_existing_customer(app):
    customer = make_user("regular@example.com")
    result = app.test_cli_runner().invoke(args=["create-admin", "regular@example.com"])

    assert result.exit_code == 0, result.output
    db.session.refresh(customer)
    assert customer.role == Role.ADMIN


def test_create_admin_refuses_a_bad_email_or_short_password(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("STOREFRONT_ADMIN_PASSWORD", "a-long-enough-password")
    bad_email = runner.invoke(args=["create-admin", "not-an-email"])
    monkeypatch.setenv("STOREFRONT_ADMIN_PASSWORD", "short")
    short = runner.invoke(args=["create-admin", "ops@example.com"])

    assert bad_email.exit_code == 2 and "EMAIL" in bad_email.output
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    assert _count(User) == 0
