"""attempt counters: guessing limits and log-in back-off shared by every worker (replacing the staff
account's own failure count and lock)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attempt_counters',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_attempt_counters'))
    )
    with op.batch_alter_table('attempt_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_counters_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))

    with op.batch_alter_table('attempt_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_counters_expires_at'))

    op.drop_table('attempt_counters')
