"""users confirm their email

Revision ID: ddc9c29fa1b5
Revises: a1c9e2f04b17
Create Date: 2026-12-01 23:36:33.288081

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ddc9c29fa1b5'
down_revision = 'a1c9e2f04b17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    # Accounts made before confirmation existed have been logging in all along: they stay usable.
    op.execute(sa.text('UPDATE users SET email_confirmed_at = created_at'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
