"""Legal pages: each document shows its current version with its "last updated" date, rendered from Markdown with
anything dangerous stripped; a superadmin publishes edits as new versions, older ones stay for admins to read."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from storefront.accounts.models import Role
from storefront.audit.models import AuditEvent
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.legal.models import LegalVersion
from tests.factories import make_user
from tests.functional.checkout.support import page_text
from tests.functional.legal.support import publish_defaults, publish_terms, versions_of

DOCUMENTS = [
    ("terms", "Terms of service"),
    ("privacy", "Privacy policy"),
    ("refunds", "Refund policy"),
    ("guidelines", "Content guidelines"),
]


@pytest.mark.parametrize(("slug", "title"), DOCUMENTS)
def test_a_fresh_shop_has_every_legal_page_with_its_last_updated_date(app, client, slug, title):
    publish_defaults()
    db.session.execute(update(LegalVersion).values(published_at=datetime(2026, 1, 15, 9, 30)))
    db.session.commit()

    response = client.get(f"/legal/{slug}")

    text = page_text(response)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in text
    assert "Last updated" in text and "15 January 2026" in text and "Version 1" in text
    assert "<h2>" in text, "the built-in text's Markdown headings are rendered"


def test_an_unknown_or_unpublished_document_is_not_found(client):
    assert client.get("/legal/terms").status_code == 404, "nothing published yet"
    publish_defaults()
    assert client.get("/legal/cookies").status_code == 404


def test_the_footer_and_the_sign_up_checkbox_link_to_the_documents(client):
    publish_defaults()

    home = page_text(client.get("/"))
    register = page_text(client.get("/account/register"))

    for slug in ("terms", "privacy", "refunds", "guidelines"):
        assert f'href="/legal/{slug}"' in home
    assert 'href="/legal/terms"' in register and 'href="/legal/privacy"' in register
    assert "I accept the terms of service and privacy policy" in register
    assert "Terms version" not in register


def test_seed_demo_publishes_the_documents_once(app, client):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["seed-demo"])
    again = runner.invoke(args=["seed-demo"])

    assert first.exit_code == 0, first.output
    assert "Legal documents: 4 published" in first.output
    assert "Legal documents: 0 published" in again.output
    assert db.session.scalar(select(func.count()).select_from(LegalVersion)) == 4
    assert "Refunds go back to the card" in page_text(client.get("/legal/refunds"))


def test_superadmin_publishes_a_new_version_and_the_old_one_stays_for_admins(app, client, auth):
    publish_defaults()
    db.session.execute(update(LegalVersion).values(published_at=datetime(2026, 1, 15)))
    db.session.commit()
    boss = make_user("owner@example.com", role=Role.SUPERADMIN)
    auth.login(boss.email)

    response = client.post("/admin/legal/terms", data={"body": "## New terms\n\nWe now ship to the Moon."})

    assert response.status_code == 303
    assert versions_of("terms") == [1, 2]
    public = page_text(client.get("/legal/terms"))
    assert "We now ship to the Moon." in public and "Version 2" in public
    assert f'Last updated <time datetime="{utcnow():%Y-%m-%d}' in public and "15 January 2026" not in public
    old = page_text(client.get("/admin/legal/terms/versions/1"))
    assert "Download links are personal" in old and "Moon" not in old
    history = page_text(client.get("/admin/legal/terms"))
    assert "Version 2</a> (current)" in history and "Version 1</a>" in history and "owner@example.com" in history
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "legal.publish"))
    assert audit.actor_email == "owner@example.com" and audit.after == {"number": 2}


def test_legal_pages_render_markdown_with_dangerous_html_stripped(client):
    publish_terms(
        "## Rules\n\n**Be kind.** <script>alert('x')</script>\n\n"
        '[click](javascript:alert(1)) <img src="x" onerror="alert(2)">\n\n'
        '<a href="https://example.com" onclick="evil()">ok</a>'
    )

    text = client.get("/legal/terms").get_data(as_text=True)

    assert "<h2>Rules</h2>" in text and "<strong>Be kind.</strong>" in text
    assert "<script>alert" not in text and "alert('x')" not in text
    assert "onerror" not in text and "onclick" not in text and "javascript:" not in text
    assert 'href="https://example.com"' in text


@pytest.mark.parametrize("role", [None, Role.CUSTOMER, Role.ADMIN])
def test_only_a_superadmin_may_publish(client, auth, role):
    publish_defaults()
    if role is not None:
        make_user("someone@example.com", role=role)
        auth.login("someone@example.com")

    response = client.post("/admin/legal/terms", data={"body": "Everything is ours now."})

    expected = {None: 302, Role.CUSTOMER: 403, Role.ADMIN: 403}[role]
    assert response.status_code == expected
    assert versions_of("terms") == [1]
    assert "Everything is ours now." not in page_text(client.get("/legal/terms"))


def test_an_admin_reads_the_versions_without_an_edit_form(client, auth):
    publish_defaults()
    make_user("staff@example.com", role=Role.ADMIN)
    auth.login("staff@example.com")

    page = page_text(client.get("/admin/legal/terms"))

    assert "Version 1</a> (current)" in page
    assert "Only a superadmin can publish a new version." in page
    assert "<textarea" not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write the document's text."), (None, "Nothing changed: this is the current text.")],
)
def test_an_empty_or_unchanged_text_is_refused(client, auth, body, message):
    publish_defaults()
    make_user("owner@example.com", role=Role.SUPERADMIN)
    auth.login("owner@example.com")
    body = body if body is not None else _current_terms_text()

    response = client.post("/admin/legal/terms", data={"body": body})

    assert response.status_code == 422
    assert message in page_text(response)
    assert versions_of("terms") == [1]


def _current_terms_text():
    return db.session.scalar(select(LegalVersion.body_markdown).where(LegalVersion.document == "terms"))
