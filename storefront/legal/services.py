"""Legal documents: reading the current version, publishing a new one (superadmins only), seeding the built-in
texts, and recording acceptances. Callers commit.

A document's current version is its highest number; older versions stay for the record. Terms acceptance is
tracked per version, so publishing new terms asks every account to accept again before its next checkout."""

from pathlib import Path

import markdown
import nh3
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from storefront.accounts.models import Role
from storefront.audit.services import record_admin_action
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.legal.models import AcceptanceContext, DocumentKind, LegalAcceptance, LegalVersion

DEFAULTS = Path(__file__).parent / "defaults"
BODY_MAX_LENGTH = 100_000
# What a legal text may keep once rendered: structure and links, never scripts, styles or event handlers.
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "hr"}
# Accepted together when an account is created (the sign-up checkbox names both).
REGISTRATION_DOCUMENTS = (DocumentKind.TERMS, DocumentKind.PRIVACY)


class LegalEditRefused(Exception):
    """The edit breaks a rule; the message is safe to show and nothing was published."""


class LegalEditForbidden(LegalEditRefused):
    """Only a superadmin publishes legal documents."""


def render_markdown(text):
    """Markdown to HTML with only harmless tags kept, so a pasted <script> never reaches a reader."""
    html = markdown.markdown(text or "", output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener")


def default_text(kind):
    return (DEFAULTS / f"{DocumentKind(kind).value}.md").read_text(encoding="utf-8").strip()


def current_version(kind):
    """The document's newest published version, or None before any (a shop without its documents seeded)."""
    statement = select(LegalVersion).where(LegalVersion.document == DocumentKind(kind).value)
    return db.session.scalar(statement.order_by(LegalVersion.number.desc()).limit(1))


def get_version(kind, number):
    statement = select(LegalVersion).where(LegalVersion.document == kind.value, LegalVersion.number == number)
    return db.session.scalar(statement)


def history(kind):
    """Every version of the document, newest first."""
    statement = select(LegalVersion).where(LegalVersion.document == kind.value)
    return db.session.scalars(statement.order_by(LegalVersion.number.desc())).all()


def documents_overview():
    """[(kind, current version or None, how many versions)] for every document, in a fixed order."""
    counts = dict(db.session.execute(select(LegalVersion.document, func.count()).group_by(LegalVersion.document)).all())
    return [(kind, current_version(kind), counts.get(kind.value, 0)) for kind in DocumentKind]


def _add_version(kind, body, actor=None):
    latest = current_version(kind)
    version = LegalVersion(
        document=kind.value,
        number=(latest.number if latest else 0) + 1,
        body_markdown=body,
        published_at=utcnow(),
        published_by_id=actor.id if actor else None,
        published_by_email=actor.email if actor else "",
    )
    db.session.add(version)
    return version


def ensure_default_documents():
    """Publish the built-in text as version 1 of every document that has none yet; returns how many were added."""
    missing = [kind for kind in DocumentKind if current_version(kind) is None]
    for kind in missing:
        _add_version(kind, default_text(kind))
    db.session.flush()
    return len(missing)


def _clean_body(kind, body):
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise LegalEditRefused("Write the document's text.")
    if len(body) > BODY_MAX_LENGTH:
        raise LegalEditRefused(f"Keep the text under {BODY_MAX_LENGTH:,} characters.")
    latest = current_version(kind)
    if latest is not None and latest.body_markdown == body:
        raise LegalEditRefused("Nothing changed: this is the current text.")
    return body


def publish(actor, kind, body):
    """Publish `body` (Markdown) as the document's next version, dated now, and audit it; returns the version.

    Raises LegalEditForbidden unless `actor` is a superadmin, LegalEditRefused for an empty or unchanged text or
    when another edit was published at the same moment (the caller rolls back)."""
    if actor.role != Role.SUPERADMIN.value:
        raise LegalEditForbidden("Only a superadmin can publish legal documents.")
    kind = DocumentKind(kind)
    version = _add_version(kind, _clean_body(kind, body), actor)
    try:
        db.session.flush()
    except IntegrityError:
        raise LegalEditRefused("Someone published this document a moment ago. Reload and try again.") from None
    message = f"Published {kind.title} version {version.number}"
    record_admin_action(actor, "legal.publish", version, message, after={"number": version.number})
    return version


def record_acceptance(version, context, user=None, email=None, order=None):
    acceptance = LegalAcceptance(
        version=version,
        context=AcceptanceContext(context).value,
        user_id=user.id if user else None,
        email=email,
        order_id=order.id if order else None,
        accepted_at=utcnow(),
    )
    db.session.add(acceptance)
    if user is not None and version.kind is DocumentKind.TERMS:
        user.terms_version = str(version.number)
        user.terms_accepted_at = acceptance.accepted_at
    return acceptance


def accept_registration_documents(user):
    """The new account accepts the current terms and privacy policy (whichever exist)."""
    for kind in REGISTRATION_DOCUMENTS:
        version = current_version(kind)
        if version is not None:
            record_acceptance(version, AcceptanceContext.REGISTRATION, user=user)


def _has_accepted(user, version):
    accepted = select(LegalAcceptance.id).where(
        LegalAcceptance.user_id == user.id, LegalAcceptance.version_id == version.id
    )
    return db.session.scalar(select(exists(accepted)))


def terms_to_accept(user):
    """The current terms when `user` has not accepted them yet, else None (also when no terms are published)."""
    version = current_version(DocumentKind.TERMS)
    if version is None or _has_accepted(user, version):
        return None
    return version


def accept_current_terms(user, number):
    """Record that `user` accepted terms version `number`, shown to them; accepting twice records once.

    Raises LegalEditRefused when newer terms were published since the page was shown (they must read those)."""
    version = current_version(DocumentKind.TERMS)
    if version is None or version.number != number:
        raise LegalEditRefused("The terms changed while you were reading them. Please read the current version.")
    if not _has_accepted(user, version):
        record_acceptance(version, AcceptanceContext.REACCEPTANCE, user=user)
    return version


def record_guest_checkout(order):
    """A guest's order is placed under the terms the checkout page showed: record that for its email."""
    version = current_version(DocumentKind.TERMS)
    if order.user_id is None and version is not None:
        record_acceptance(version, AcceptanceContext.GUEST_CHECKOUT, email=order.email, order=order)


def acceptances_for(user):
    """Every acceptance recorded for the account, oldest first."""
    statement = select(LegalAcceptance).where(LegalAcceptance.user_id == user.id)
    return db.session.scalars(statement.order_by(LegalAcceptance.accepted_at, LegalAcceptance.id)).all()
