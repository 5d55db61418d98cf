"""materials marked by the clerk: waived with a reason, looked up on a platform, by whom and when

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_materials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waived_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('platform', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('marked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('marked_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_application_materials_marked_by_id_staff_users'),
                                    'staff_users', ['marked_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('application_materials', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_application_materials_marked_by_id_staff_users'),
                                 type_='foreignkey')
        batch_op.drop_column('marked_at')
        batch_op.drop_column('marked_by_id')
        batch_op.drop_column('platform')
        batch_op.drop_column('waived_reason')
