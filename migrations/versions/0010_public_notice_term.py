"""public notice term: the day 公示 started and the day its end was recorded 无异议 (issue 12's guard)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('notice_cleared_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('notice_cleared_on')
        batch_op.drop_column('notice_started_on')
