"""reviews, and each product's approved-review count and star sum

Revision ID: rv1a2b3c4d5e
Revises: q7a1c3e5b9d2
Create Date: 2026-12-02 06:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "rv1a2b3c4d5e"
down_revision = "q7a1c3e5b9d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("moderated_at", sa.DateTime(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_in_range")),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f("ck_reviews_status_known")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_reviews_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
    )
    op.create_index("ix_reviews_product_status_created", "reviews", ["product_id", "status", "created_at"])
    op.create_index("ix_reviews_status_created", "reviews", ["status", "created_at"])
    op.create_index(op.f("ix_reviews_user_id"), "reviews", ["user_id"])
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("rating_sum", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("rating_sum")
        batch_op.drop_column("rating_count")
    op.drop_index(op.f("ix_reviews_user_id"), table_name="reviews")
    op.drop_index("ix_reviews_status_created", table_name="reviews")
    op.drop_index("ix_reviews_product_status_created", table_name="reviews")
    op.drop_table("reviews")
