"""what a 公示 published, frozen when it started: the name, household size and proposed amount the board
shows for the whole term (cases already in 公示 keep NULL; the board computes theirs and says so)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_published', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('notice_published')
