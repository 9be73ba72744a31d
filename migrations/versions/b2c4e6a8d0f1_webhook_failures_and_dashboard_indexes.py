"""webhook_failures (refused webhook deliveries), indexes for the dashboard's period queries, and
storage_deletions (objects products stopped using)

Revision ID: b2c4e6a8d0f1
Revises: e783c678921c
Create Date: 2026-12-02 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2c4e6a8d0f1'
down_revision = "c3a7d1e5b9f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=16), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('source_address', sa.String(length=45), nullable=True),
        sa.Column('event_id', sa.String(length=255), nullable=True),
        sa.Column('event_type', sa.String(length=100), nullable=True),
        sa.Column('body_size', sa.Integer(), nullable=False),
        sa.Column('body_prefix', sa.String(length=40), nullable=False),
        sa.Column('repeats', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_failures')),
    )
    op.create_index(op.f('ix_webhook_failures_received_at'), 'webhook_failures', ['received_at'], unique=False)
    # The dashboard's period queries (storefront/orders/metrics.py): the money events (a few kinds) by created_at,
    # paid orders and best sellers by orders.paid_at.
    op.create_index('ix_payment_events_kind_created', 'payment_events', ['kind', 'created_at'], unique=False)
    op.create_index(op.f('ix_orders_paid_at'), 'orders', ['paid_at'], unique=False)
    op.create_table(
        'storage_deletions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('storage_key', sa.String(length=300), nullable=False),
        sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_storage_deletions')),
    )
    op.create_index(
        op.f('ix_download_entitlements_storage_key'), 'download_entitlements', ['storage_key'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_download_entitlements_storage_key'), table_name='download_entitlements')
    op.drop_table('storage_deletions')
    op.drop_index(op.f('ix_orders_paid_at'), table_name='orders')
    op.drop_index('ix_payment_events_kind_created', table_name='payment_events')
    op.drop_index(op.f('ix_webhook_failures_received_at'), table_name='webhook_failures')
    op.drop_table('webhook_failures')
