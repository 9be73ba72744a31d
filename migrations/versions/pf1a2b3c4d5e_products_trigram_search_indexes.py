"""products: trigram (pg_trgm) GIN indexes on title and description_md for the catalogue's substring search; Postgres
only, nothing on SQLite

Revision ID: pf1a2b3c4d5e
Revises: ml3a5c7e9b1d
Create Date: 2026-12-02 06:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'pf1a2b3c4d5e'
down_revision = "ml3a5c7e9b1d"
branch_labels = None
depends_on = None

COLUMNS = ("title", "description_md")


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # pg_trgm is a trusted extension (Postgres 13+): the database's owner may create it without being a superuser.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for column in COLUMNS:
        op.create_index(
            f'ix_products_{column}_trgm', 'products', [column], unique=False,
            postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'},
        )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The extension stays: other objects of the database may use it, and it costs nothing unused.
    for column in reversed(COLUMNS):
        op.drop_index(f'ix_products_{column}_trgm', table_name='products')
