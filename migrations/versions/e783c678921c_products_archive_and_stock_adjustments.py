"""products: archived_at, and the stock adjustment log

Revision ID: e783c678921c
Revises: c3f5a8d2e6b1
Create Date: 2026-12-02 00:36:34.632796

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e783c678921c'
down_revision = 'c3f5a8d2e6b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stock_adjustments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('delta', sa.Integer(), nullable=False),
        sa.Column('stock_after', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['actor_id'], ['users.id'], name=op.f('fk_stock_adjustments_actor_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['product_id'], ['products.id'], name=op.f('fk_stock_adjustments_product_id_products'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_adjustments')),
    )
    op.create_index(op.f('ix_stock_adjustments_product_id'), 'stock_adjustments', ['product_id'], unique=False)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    op.drop_index(op.f('ix_stock_adjustments_product_id'), table_name='stock_adjustments')
    op.drop_table('stock_adjustments')
