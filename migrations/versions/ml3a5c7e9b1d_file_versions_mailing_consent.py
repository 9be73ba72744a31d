"""File versions, consented mailings: product_files get a version number, label and date; products say whether a
new version counts downloads afresh; carts record consent to one reminder; mailing_opt_outs keep unsubscribes;
email_deliveries may be skipped; outbox messages keep their extra headers (List-Unsubscribe)

Revision ID: ml3a5c7e9b1d
Revises: lg3e7a1c9d42
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ml3a5c7e9b1d"
down_revision = "lg3e7a1c9d42"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'sent', 'failed')"
NEW_STATUSES = "status IN ('queued', 'sent', 'failed', 'skipped')"


def upgrade():
    op.create_table(
        "mailing_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("mailing", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_opt_outs")),
        sa.UniqueConstraint("email", "mailing", name="uq_mailing_opt_outs_email_mailing"),
    )
    with op.batch_alter_table("product_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("version_label", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("version_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fresh_downloads_on_update", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("reminder_consent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminder_sent_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_email_deliveries_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_email_deliveries_status_known"), NEW_STATUSES)


def downgrade():
    op.execute("UPDATE email_deliveries SET status = 'failed' WHERE status = 'skipped'")
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_email_deliveries_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_email_deliveries_status_known"), OLD_STATUSES)
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("headers")
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("reminder_sent_at")
        batch_op.drop_column("reminder_consent_at")
        batch_op.drop_column("reminder_email")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("fresh_downloads_on_update")
    with op.batch_alter_table("product_files", schema=None) as batch_op:
        batch_op.drop_column("version_at")
        batch_op.drop_column("version_label")
        batch_op.drop_column("version")
    op.drop_table("mailing_opt_outs")
