"""job_records: an index on (state, finished_at) for the admin's "done in the last 24 hours" count per job kind

Revision ID: q7a1c3e5b9d2
Revises: b2c4e6a8d0f1
Create Date: 2026-12-02 05:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'q7a1c3e5b9d2'
down_revision = "b2c4e6a8d0f1"
branch_labels = None
depends_on = None


def upgrade():
    # Done records pile up; the queue summary (storefront/queue_status.py) reads only the recent ones.
    op.create_index('ix_job_records_state_finished', 'job_records', ['state', 'finished_at'], unique=False)


def downgrade():
    op.drop_index('ix_job_records_state_finished', table_name='job_records')
