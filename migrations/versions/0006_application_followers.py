"""application followers

Who hears about an application becomes a relation (application_followers) instead of one WeChat account per
applicant: each applicant's bound account follows every application of that applicant. Applications get
their own contact (the name and phone given with them, taken from the file for existing ones) and at most
one open application per applicant and intake is kept by a partial unique index.

Downgrade gives each applicant back one account: the newest active follower of their applications whose
account is not already given to another applicant (the old column was unique); other followers are lost.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:31:22.694560

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('submitted', 'awaiting_materials', 'accepted', 'investigating', 'public_notice', "
               "'county_review')")
ACTIVE = sa.text('removed_at IS NULL')


def _now():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _refuse_open_duplicates(conn):
    """The unique index cannot be built over two open applications of one applicant and intake; say which."""
    rows = conn.execute(sa.text(
        "SELECT applicant_id, intake FROM applications WHERE " + OPEN.text
        + " GROUP BY applicant_id, intake HAVING COUNT(*) > 1")).all()
    if not rows:
        return
    cases = conn.execute(sa.text(
        "SELECT case_no FROM applications a WHERE " + OPEN.text.replace("status", "a.status")
        + " AND EXISTS (SELECT 1 FROM applications b WHERE b.applicant_id = a.applicant_id"
        " AND b.intake = a.intake AND b.id <> a.id AND " + OPEN.text.replace("status", "b.status") + ")"
        " ORDER BY a.applicant_id, a.intake, a.id")).scalars().all()
    raise RuntimeError(
        f"{len(rows)} applicant(s) have more than one open application of the same intake "
        f"(cases {', '.join(cases)}); withdraw or close the duplicates, then run the upgrade again")


def upgrade():
    conn = op.get_bind()
    _refuse_open_duplicates(conn)
    op.create_table('application_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_followers_application_id_applications')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['staff_users.id'], name=op.f('fk_application_followers_removed_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_followers'))
    )
    with op.batch_alter_table('application_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_followers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_followers_openid'), ['openid'], unique=False)
        batch_op.create_index('uq_application_followers_active', ['application_id', 'openid'], unique=True,
                              postgresql_where=ACTIVE, sqlite_where=ACTIVE)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('file_review', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('id_number_encrypted', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_contact_phone'), ['contact_phone'], unique=False)
        batch_op.create_index('uq_applications_open_per_intake', ['applicant_id', 'intake'], unique=True,
                              postgresql_where=OPEN, sqlite_where=OPEN)

    # existing applications were made with the contact now on file
    conn.execute(sa.text(
        "UPDATE applications SET"
        " contact_name = (SELECT p.name FROM applicants p WHERE p.id = applications.applicant_id),"
        " contact_phone = (SELECT p.phone FROM applicants p WHERE p.id = applications.applicant_id)"))
    # today's bindings: the applicant's account follows each of the applicant's applications
    conn.execute(sa.text(
        "INSERT INTO application_followers (application_id, openid, source, created_at)"
        " SELECT a.id, p.wechat_openid, 'migrated', :now FROM applications a"
        " JOIN applicants p ON p.id = a.applicant_id WHERE p.wechat_openid IS NOT NULL ORDER BY a.id"),
        {"now": _now()})

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_applicants_wechat_openid'), type_='unique')
        batch_op.drop_column('wechat_openid')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_key', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_notice_key'), ['notice_key'], unique=False)


def downgrade():
    conn = op.get_bind()
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_notice_key'))
        batch_op.drop_column('notice_key')

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wechat_openid', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_applicants_wechat_openid'), ['wechat_openid'])

    followers = conn.execute(sa.text(
        "SELECT f.openid, a.applicant_id FROM application_followers f"
        " JOIN applications a ON a.id = f.application_id WHERE f.removed_at IS NULL ORDER BY f.id DESC")).all()
    given: dict[int, str] = {}
    taken: set[str] = set()
    for openid, applicant_id in followers:  # newest first; the old column allowed one account per applicant
        if applicant_id not in given and openid not in taken:
            given[applicant_id] = openid
            taken.add(openid)
    for applicant_id, openid in given.items():
        conn.execute(sa.text("UPDATE applicants SET wechat_openid = :openid WHERE id = :id"),
                     {"openid": openid, "id": applicant_id})

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_open_per_intake', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_applications_contact_phone'))
        batch_op.drop_column('id_number_encrypted')
        batch_op.drop_column('file_review')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')

    with op.batch_alter_table('application_followers', schema=None) as batch_op:
        batch_op.drop_index('uq_application_followers_active', postgresql_where=ACTIVE, sqlite_where=ACTIVE)
        batch_op.drop_index(batch_op.f('ix_application_followers_openid'))
        batch_op.drop_index(batch_op.f('ix_application_followers_application_id'))

    op.drop_table('application_followers')
