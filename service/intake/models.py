"""Places, applicants, applications, their materials and their history."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.clock import utcnow
from service.extensions import db
from service.intake.deadlines import NO_DEADLINE
from service.intake.workflow import OPEN_STATES

# one open application per applicant and intake, kept by the database even when two calls race
_OPEN_SQL = text("status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATES) + ")")
_ACTIVE_SQL = text("removed_at IS NULL")


class County(db.Model):
    __tablename__ = "counties"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    # County-editable: time-limit overrides per intake/scheme, hotline number, office hours.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    townships: Mapped[list["Township"]] = relationship(back_populates="county", order_by="Township.id")


class Township(db.Model):
    __tablename__ = "townships"
    __table_args__ = (UniqueConstraint("county_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    # the township government's position, so a resident's shared location can suggest it
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    county: Mapped[County] = relationship(back_populates="townships")
    villages: Mapped[list["Village"]] = relationship(back_populates="township", order_by="Village.id")


class Village(db.Model):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    township: Mapped[Township] = relationship(back_populates="villages")


class Applicant(db.Model):
    """The applicant's file: created from the first application, changed only by a clerk confirming a
    difference an application showed (never by a chat message or a call)."""

    __tablename__ = "applicants"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(11), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    village: Mapped[Village | None] = relationship()


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # Window queue: township, open first by priority then deadline, keyset on id.
        Index("ix_applications_township_queue", "township_id", "priority", "queue_due", "id"),
        Index("ix_applications_township_status_queue", "township_id", "status", "priority", "queue_due", "id"),
        Index("ix_applications_county_queue", "county_id", "priority", "queue_due", "id"),
        Index("ix_applications_county_status_queue", "county_id", "status", "priority", "queue_due", "id"),
        Index("uq_applications_open_per_intake", "applicant_id", "intake", unique=True,
              postgresql_where=_OPEN_SQL, sqlite_where=_OPEN_SQL),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(12), unique=True)
    intake: Mapped[str] = mapped_column(String(20))
    scheme: Mapped[str | None] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20))
    # 0 = urgent and open, 1 = open, 2 = closed: one ascending sort key for the queue index.
    priority: Mapped[int] = mapped_column(default=1)
    step_deadline: Mapped[dt.date | None]
    final_deadline: Mapped[dt.date | None]
    queue_due: Mapped[dt.date] = mapped_column(default=NO_DEADLINE)
    paused_step_remaining: Mapped[int | None]
    paused_final_remaining: Mapped[int | None]
    resume_status: Mapped[str | None] = mapped_column(String(20))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    # the application's own contact, as given with it: notices and call-backs use it, the file is untouched
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(11), index=True)
    # the ID number given with it (encrypted) when the file it was matched to has none
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    # a clerk's decision on each difference from the file: {"phone": {"decision", "by", "at"}}
    file_review: Mapped[dict | None] = mapped_column(JSON)
    household_size: Mapped[int | None]
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    route: Mapped[dict | None] = mapped_column(JSON)  # classifier's suggestion, to measure it against staff
    approved_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    first_month: Mapped[str | None] = mapped_column(String(7))
    emergency_aid_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    referred_to: Mapped[str | None] = mapped_column(String(200))
    accepted_on: Mapped[dt.date | None]
    # 公示: the day it started (it runs its full term from there) and the day its end was recorded 无异议
    notice_started_on: Mapped[dt.date | None]
    notice_cleared_on: Mapped[dt.date | None]
    # what the 公示 published when it started (name, household size, proposed amount): the board shows it all term
    notice_published: Mapped[dict | None] = mapped_column(JSON)
    decided_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    applicant: Mapped[Applicant] = relationship()
    township: Mapped[Township] = relationship()
    village: Mapped[Village | None] = relationship()
    materials: Mapped[list["Material"]] = relationship(
        back_populates="application", order_by="Material.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    followers: Mapped[list["Follower"]] = relationship(
        back_populates="application", order_by="Follower.id", cascade="all, delete-orphan"
    )


FOLLOWER_SOURCES = ("submitted", "bound", "migrated")


class Follower(db.Model):
    """A WeChat account that hears about one application: the account that submitted it, one that bound it
    with the case number and ID's last four, or one carried over from the old one-account-per-applicant
    binding. Removing one (staff, audited) keeps the row, so who followed when stays on record."""

    __tablename__ = "application_followers"
    __table_args__ = (
        Index("uq_application_followers_active", "application_id", "openid", unique=True,
              postgresql_where=_ACTIVE_SQL, sqlite_where=_ACTIVE_SQL),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    application: Mapped[Application] = relationship(back_populates="followers")


class Material(db.Model):
    __tablename__ = "application_materials"
    __table_args__ = (UniqueConstraint("application_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    required: Mapped[bool] = mapped_column(default=True)
    # pending | requested | received | waived | looked_up (service.intake.materials.STATUSES)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    received_at: Mapped[dt.datetime | None]
    waived_reason: Mapped[str | None] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(60))  # the platform it was looked up on
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    marked_at: Mapped[dt.datetime | None]
    application: Mapped[Application] = relationship(back_populates="materials")


class ApplicationEvent(db.Model):
    __tablename__ = "application_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_label: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    application: Mapped[Application] = relationship(back_populates="events")


# Attachment.fetch_status of a chat photo whose bytes are at WeChat until the notification worker fetches them
FETCH_PENDING, FETCH_STORED, FETCH_FAILED = "pending", "stored", "failed"


class Attachment(db.Model):
    """Material a resident sent through the chat (a photo of a certificate, a voice note)."""

    __tablename__ = "application_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # a chat photo's bytes: pending (the worker fetches it from WeChat), stored, failed (fetch_error says why)
    fetch_status: Mapped[str | None] = mapped_column(String(12))
    fetch_error: Mapped[str | None] = mapped_column(String(255))


class AttachmentFile(db.Model):
    """A photo's bytes, kept in the database beside the outbox row that fetched it (one commit, any machine)."""

    __tablename__ = "attachment_files"
    attachment_id: Mapped[int] = mapped_column(ForeignKey("application_attachments.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
