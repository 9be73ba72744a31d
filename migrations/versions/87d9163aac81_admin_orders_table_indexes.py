"""admin orders table indexes

One index per filter and sort of the admin orders table (storefront/orders/search.py), each ending in the keyset's
(sort key, id), so every page is an index range scan at 100 000 orders. Search matches prefixes of the order number,
the lowercased email and the lowercased shipping name: the pattern operator classes let Postgres use these indexes for
`LIKE 'prefix%'` whatever the database's collation (pg_trgm is not assumed, so there is no infix search). The two
expression indexes are made on Postgres only (the models say so with ddl_if): SQLite cannot reflect them, so a later
batch migration of `orders` would warn and silently drop them.

Revision ID: 87d9163aac81
Revises: b7d41e9a0c23
Create Date: 2026-12-02 00:21:55.301270

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '87d9163aac81'
down_revision = 'b7d41e9a0c23'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_kind_created_id', ['kind', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_number_prefix', ['number'], unique=False, postgresql_ops={'number': 'varchar_pattern_ops'})
        batch_op.create_index('ix_orders_shipping_status_created', ['requires_shipping', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_status_created_id', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_orders_total_id', ['total_cents', 'id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_orders_email_prefix', 'orders', [sa.text('lower(email) text_pattern_ops')], unique=False,
        )
        op.create_index(
            'ix_orders_shipping_name_prefix', 'orders', [sa.text('lower(shipping_name) text_pattern_ops')], unique=False,
        )

    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.create_index('ix_payment_events_kind_order', ['kind', 'order_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_events_kind_order')

    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_orders_shipping_name_prefix', table_name='orders')
        op.drop_index('ix_orders_email_prefix', table_name='orders')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_total_id')
        batch_op.drop_index('ix_orders_status_id')
        batch_op.drop_index('ix_orders_status_created_id')
        batch_op.drop_index('ix_orders_shipping_status_created')
        batch_op.drop_index('ix_orders_number_prefix')
        batch_op.drop_index('ix_orders_kind_created_id')
        batch_op.drop_index('ix_orders_created_id')
