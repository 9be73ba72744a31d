"""The shop's legal documents, each a list of published versions (never edited, never deleted), and every
acceptance of one: who (an account, or a guest's email), which version, when and where."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import utcnow
from storefront.extensions import db


class DocumentKind(StrEnum):
    TERMS = "terms"
    PRIVACY = "privacy"
    REFUNDS = "refunds"
    GUIDELINES = "guidelines"

    @property
    def title(self):
        return TITLES[self]


TITLES = {
    DocumentKind.TERMS: "Terms of service",
    DocumentKind.PRIVACY: "Privacy policy",
    DocumentKind.REFUNDS: "Refund policy",
    DocumentKind.GUIDELINES: "Content guidelines",
}


class AcceptanceContext(StrEnum):
    REGISTRATION = "registration"
    # A logged-in shopper accepting a newer version before checking out.
    REACCEPTANCE = "reacceptance"
    # A guest placing an order under the terms shown on the checkout page.
    GUEST_CHECKOUT = "guest_checkout"


class LegalVersion(db.Model):
    """One published text of a document. Publishing an edit adds the next number; the highest is current."""

    __tablename__ = "legal_versions"
    __table_args__ = (UniqueConstraint("document", "number", name="uq_legal_versions_document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(32))
    number: Mapped[int]
    body_markdown: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Copied, so the history reads the same after the account changes or goes; empty for the built-in texts.
    published_by_email: Mapped[str] = mapped_column(String(254), default="")

    @property
    def kind(self):
        return DocumentKind(self.document)


class LegalAcceptance(db.Model):
    """Someone accepted one version of a document: an account (`user_id`) or a guest known by email."""

    __tablename__ = "legal_acceptances"
    __table_args__ = (Index("ix_legal_acceptances_user_version", "user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("legal_versions.id"), index=True)
    context: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[LegalVersion] = relationship()
