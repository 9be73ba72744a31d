"""licence keys: policies, keys (pool and issued), grants per paid order item

Revision ID: lk1a2b3c4d5e
Revises: rv1a2b3c4d5e
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lk1a2b3c4d5e"
down_revision = "rv1a2b3c4d5e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "licence_policies",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('none', 'generated', 'pool')", name=op.f("ck_licence_policies_mode_known")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_licence_policies_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_licence_policies")),
    )
    op.create_table(
        "licence_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_licence_keys_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_licence_keys_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_keys")),
        sa.UniqueConstraint("key", name=op.f("uq_licence_keys_key")),
        sa.UniqueConstraint("order_item_id", "unit", name="uq_licence_keys_item_unit"),
    )
    op.create_index("ix_licence_keys_product_item", "licence_keys", ["product_id", "order_item_id"], unique=False)
    op.create_index(op.f("ix_licence_keys_order_item_id"), "licence_keys", ["order_item_id"], unique=False)
    op.create_table(
        "licence_grants",
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("units > 0", name=op.f("ck_licence_grants_units_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_licence_grants_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_licence_grants_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_licence_grants_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("order_item_id", name=op.f("pk_licence_grants")),
    )
    op.create_index(op.f("ix_licence_grants_order_id"), "licence_grants", ["order_id"], unique=False)
    op.create_index(op.f("ix_licence_grants_product_id"), "licence_grants", ["product_id"], unique=False)


def downgrade():
    op.drop_table("licence_grants")
    op.drop_index("ix_licence_keys_product_item", table_name="licence_keys")
    op.drop_table("licence_keys")
    op.drop_table("licence_policies")
