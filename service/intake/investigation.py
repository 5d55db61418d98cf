"""The investigation record (入户调查): when, who visited (two or more staff), income per member per month
by kind, assets, living conditions, photos and the applicant's signature. A re-investigation adds a record;
the newest one is what the means test reads."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.clock import utcnow
from service.extensions import db


class Investigation(db.Model):
    __tablename__ = "investigations"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visited_on: Mapped[dt.date]
    living_conditions: Mapped[str] = mapped_column(Text)
    neighbour_notes: Mapped[str | None] = mapped_column(Text)
    has_able_supporter: Mapped[bool | None]  # 特困: someone with the duty and the means to support them
    relief_severity: Mapped[str | None] = mapped_column(String(10))  # 临时救助: minor | serious | grave
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)  # application_attachments of this case
    applicant_signed: Mapped[bool] = mapped_column(default=False)
    signed_on: Mapped[dt.date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    visitors: Mapped[list["InvestigationVisitor"]] = relationship(
        order_by="InvestigationVisitor.staff_id", cascade="all, delete-orphan")
    incomes: Mapped[list["IncomeItem"]] = relationship(order_by="IncomeItem.id", cascade="all, delete-orphan")
    assets: Mapped[list["AssetItem"]] = relationship(order_by="AssetItem.id", cascade="all, delete-orphan")


class InvestigationVisitor(db.Model):
    __tablename__ = "investigation_visitors"
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)


class IncomeItem(db.Model):
    __tablename__ = "investigation_incomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    period: Mapped[str] = mapped_column(String(5), default="month")
    costs: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    note: Mapped[str | None] = mapped_column(String(200))


class AssetItem(db.Model):
    __tablename__ = "investigation_assets"
    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    purpose: Mapped[str | None] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str | None] = mapped_column(String(200))
