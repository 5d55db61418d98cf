"""Where a county's standards versions are kept: one row per effective date, the values as JSON text."""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db
from service.intake import standards as st


class CountyStandardVersion(db.Model):
    __tablename__ = "county_standards"
    __table_args__ = (UniqueConstraint("county_id", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    effective_from: Mapped[dt.date]
    values: Mapped[dict] = mapped_column(JSON)  # standards.to_dict(): decimals as strings, never floats
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    updated_at: Mapped[dt.datetime | None]

    def standards(self) -> st.Standards:
        return st.from_dict(self.values)


def rows_of(county_id: int) -> list[CountyStandardVersion]:
    return list(db.session.scalars(select(CountyStandardVersion).where(
        CountyStandardVersion.county_id == county_id).order_by(CountyStandardVersion.effective_from.desc())))


def versions_of(county_id: int) -> list[st.Standards]:
    return [row.standards() for row in rows_of(county_id)]


def row_on(county_id: int, day: dt.date) -> CountyStandardVersion | None:
    return db.session.scalars(select(CountyStandardVersion).where(
        CountyStandardVersion.county_id == county_id, CountyStandardVersion.effective_from <= day,
    ).order_by(CountyStandardVersion.effective_from.desc()).limit(1)).first()


def standards_on(county_id: int, day: dt.date) -> st.Standards:
    """The county's version in force on `day` (the packaged defaults before its first one)."""
    row = row_on(county_id, day)
    return row.standards() if row else st.DEFAULTS
