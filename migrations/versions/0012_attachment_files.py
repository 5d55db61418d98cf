"""chat photos fetched from WeChat by the worker: their state on the attachment, their bytes in attachment_files

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fetch_status', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('fetch_error', sa.String(length=255), nullable=True))
    op.create_table(
        'attachment_files',
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['application_attachments.id'],
                                name=op.f('fk_attachment_files_attachment_id_application_attachments')),
        sa.PrimaryKeyConstraint('attachment_id', name=op.f('pk_attachment_files')),
    )


def downgrade():
    op.drop_table('attachment_files')
    with op.batch_alter_table('application_attachments', schema=None) as batch_op:
        batch_op.drop_column('fetch_error')
        batch_op.drop_column('fetch_status')
