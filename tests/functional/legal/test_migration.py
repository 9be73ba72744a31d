"""Upgrading a shop publishes the built-in legal texts as version 1, and keeps the terms its customers accepted at
sign-up as accepted, so nobody is stopped at their next checkout by the first published terms."""

from storefront.accounts.models import User
from storefront.extensions import db
from tests.factories import make_user
from tests.functional.legal.support import acceptances_of, versions_of

BEFORE_LEGAL = "q7a1c3e5b9d2"


def test_upgrading_publishes_the_built_in_texts_and_keeps_earlier_acceptances(app, client):
    ada = make_user("ada@example.com")  # accepted the terms at sign-up, before they were documents
    ada_id = ada.id
    db.session.remove()
    runner = app.test_cli_runner()

    down = runner.invoke(args=["db", "downgrade", BEFORE_LEGAL])
    up = runner.invoke(args=["db", "upgrade"])

    assert down.exit_code == 0, down.output
    assert up.exit_code == 0, up.output
    assert [versions_of(name) for name in ("terms", "privacy", "refunds", "guidelines")] == [[1]] * 4
    assert acceptances_of(db.session.get(User, ada_id)) == [("terms", 1, "registration")]
    assert "Download links are personal" in client.get("/legal/terms").get_data(as_text=True)
