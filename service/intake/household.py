"""The household of an application (共同生活的家庭成员) as the window records it: who lives together,
how each is related to the applicant, and the facts the means test reads. ID numbers are encrypted."""

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.clock import utcnow
from service.extensions import db


class Household(db.Model):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    area: Mapped[str] = mapped_column(String(10), default="rural")  # which 低保 standard applies
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="household", order_by="HouseholdMember.position", cascade="all, delete-orphan")


class HouseholdMember(db.Model):
    __tablename__ = "household_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(40))
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # the same person across cases
    disability_grade_1_2: Mapped[bool] = mapped_column(default=False)
    grave_illness: Mapped[bool] = mapped_column(default=False)
    in_school: Mapped[bool] = mapped_column(default=False)
    aged_60_plus: Mapped[bool] = mapped_column(default=False)
    unable_to_work: Mapped[bool] = mapped_column(default=False)
    care_level: Mapped[str | None] = mapped_column(String(10))
    excluded_reason: Mapped[str | None] = mapped_column(String(20))
    excluded_note: Mapped[str | None] = mapped_column(String(200))
    household: Mapped[Household] = relationship(back_populates="members")
