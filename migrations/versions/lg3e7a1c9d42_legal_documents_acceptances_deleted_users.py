"""legal_versions and legal_acceptances (versioned legal documents, every acceptance), users.deleted_at (accounts
deleted at their owner's request); the built-in texts published as version 1, earlier sign-ups' acceptances kept

Revision ID: lg3e7a1c9d42
Revises: lk2b3c4d5e6f
Create Date: 2026-12-02 06:50:00

"""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'lg3e7a1c9d42'
down_revision = "lk2b3c4d5e6f"
branch_labels = None
depends_on = None

# The texts a fresh shop starts with (storefront.legal.services.ensure_default_documents publishes the same).
DEFAULTS = Path(__file__).resolve().parents[2] / "storefront" / "legal" / "defaults"
DOCUMENTS = ("terms", "privacy", "refunds", "guidelines")


def upgrade():
    versions = op.create_table(
        'legal_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=32), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('body_markdown', sa.Text(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_by_email', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document', 'number', name='uq_legal_versions_document_number'),
    )
    op.create_table(
        'legal_acceptances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('context', sa.String(length=20), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['version_id'], ['legal_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('legal_acceptances', schema=None) as batch_op:
        batch_op.create_index('ix_legal_acceptances_user_version', ['user_id', 'version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_acceptances_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_acceptances_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_acceptances_version_id'), ['version_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
    _publish_defaults(versions)


def _publish_defaults(versions):
    """Version 1 of every document, and an acceptance of those terms for each account that accepted terms at sign-up
    (so existing customers are not asked again for the shop's first published terms)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {"document": name, "number": 1, "body_markdown": (DEFAULTS / f"{name}.md").read_text(encoding="utf-8").strip(),
         "published_at": now, "published_by_email": ""}
        for name in DOCUMENTS
    ]
    op.bulk_insert(versions, rows)
    op.execute(
        "INSERT INTO legal_acceptances (user_id, version_id, context, accepted_at) "
        "SELECT users.id, legal_versions.id, 'registration', users.terms_accepted_at FROM users, legal_versions "
        "WHERE users.terms_accepted_at IS NOT NULL AND legal_versions.document = 'terms' "
        "AND legal_versions.number = 1"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('legal_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_acceptances_version_id'))
        batch_op.drop_index(batch_op.f('ix_legal_acceptances_order_id'))
        batch_op.drop_index(batch_op.f('ix_legal_acceptances_email'))
        batch_op.drop_index('ix_legal_acceptances_user_version')
    op.drop_table('legal_acceptances')
    op.drop_table('legal_versions')
