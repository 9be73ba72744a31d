"""Helpers for the legal documents' tests: the shop's documents published, and acceptances as the database has them."""

from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.legal import services
from storefront.legal.models import LegalAcceptance, LegalVersion
from tests.factories import make_user


def publish_defaults():
    services.ensure_default_documents()
    db.session.commit()


def publish_terms(text, actor=None):
    """A superadmin publishes `text` as the next terms version; returns it."""
    actor = actor or make_user(role=Role.SUPERADMIN)
    version = services.publish(actor, "terms", text)
    db.session.commit()
    return version


def acceptances_of(user):
    """[(document, version number, context)] recorded for the account, oldest first."""
    db.session.expire_all()
    statement = (
        select(LegalVersion.document, LegalVersion.number, LegalAcceptance.context)
        .join(LegalVersion, LegalAcceptance.version_id == LegalVersion.id)
        .where(LegalAcceptance.user_id == user.id)
        .order_by(LegalAcceptance.id)
    )
    return [tuple(row) for row in db.session.execute(statement)]


def versions_of(document):
    return db.session.scalars(
        select(LegalVersion.number).where(LegalVersion.document == document).order_by(LegalVersion.number)
    ).all()
