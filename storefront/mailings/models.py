from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.extensions import db


class MailingOptOut(db.Model):
    """A recipient (email, lower-cased) who asked for no more messages of one mailing (storefront.mailings.MAILINGS)."""

    __tablename__ = "mailing_opt_outs"
    __table_args__ = (UniqueConstraint("email", "mailing", name="uq_mailing_opt_outs_email_mailing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    mailing: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
