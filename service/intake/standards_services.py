"""Use cases of the county's standards: read the versions, add one, correct one. County staff and the
admin change them; every change is audited with the values before and after."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import CASE_ROLES, StaffUser
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake import standards as st
from service.intake.standards_store import CountyStandardVersion, row_on, rows_of, standards_on
from service.unit_of_work import use_case

EDITORS = ("county", "admin")


def _can_read(actor: Actor) -> None:
    if actor.role not in CASE_ROLES:
        raise Forbidden("审计员只能查看审计日志")


def _can_edit(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise Forbidden("救助标准只有县民政局人员和系统管理员可以修改")


def _stored(version: st.Standards) -> dict:
    values = st.to_dict(version)
    del values["is_default"], values["unset"]  # derived, not data
    return values


def _rows(rows: list[CountyStandardVersion], today: dt.date, in_force: CountyStandardVersion | None) -> list[dict]:
    staff = {r.created_by_id for r in rows} | {r.updated_by_id for r in rows}
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.display_name).where(
        StaffUser.id.in_(staff - {None}))).all()) if rows else {}
    return [{**st.to_dict(row.standards()), "id": row.id, "in_force": in_force is not None and row.id == in_force.id,
             "future": row.effective_from > today, "created_by": names.get(row.created_by_id),
             "created_at": row.created_at.isoformat(timespec="seconds") + "Z", "updated_by": names.get(row.updated_by_id),
             "updated_at": row.updated_at.isoformat(timespec="seconds") + "Z" if row.updated_at else None}
            for row in rows]


def _one(row: CountyStandardVersion, county_id: int) -> dict:
    today = beijing_today()
    return _rows([row], today, row_on(county_id, today))[0]


def list_standards(actor: Actor, *, today: dt.date | None = None) -> dict:
    """Every version, newest effective date first, the one in force today marked; and the defaults."""
    _can_read(actor)
    today = today or beijing_today()
    rows = rows_of(actor.county_id)
    in_force = next((r for r in rows if r.effective_from <= today), None)
    return {"items": _rows(rows, today, in_force),
            "in_force": st.to_dict(in_force.standards() if in_force else st.DEFAULTS),
            "defaults": st.to_dict(st.DEFAULTS), "today": today.isoformat()}


def standards_in_force(actor: Actor, day: dt.date | None = None) -> dict:
    _can_read(actor)
    day = day or beijing_today()
    return {"on": day.isoformat(), **st.to_dict(standards_on(actor.county_id, day))}


def _parse_day(raw) -> dt.date:
    try:
        return st.parse_date(raw)
    except ValueError as exc:
        raise InvalidInput(fields={"effective_from": [str(exc)]}) from None


def add_version(actor: Actor, payload: dict, remote_addr: str | None = None) -> dict:
    """A new version from its effective date on; what it does not name is kept from the version it follows."""
    _can_edit(actor)
    changes = {k: v for k, v in payload.items() if k != "effective_from"}
    try:
        day = st.parse_date(payload.get("effective_from"))
    except ValueError:
        st.build(st.DEFAULTS, payload.get("effective_from"), changes)  # raises with every problem at once
        raise
    with use_case() as uow:
        before = standards_on(actor.county_id, day)
        if before.effective_from == day and not before.is_default:
            raise Conflict(f"{day.isoformat()} 起执行的标准已有一个版本；如需更正请修改该版本", code="standards_exist")
        version = st.build(before, day, changes)
        row = CountyStandardVersion(county_id=actor.county_id, effective_from=day, values=_stored(version),
                                    created_by_id=actor.id)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # the same date added by someone else at the same moment
            raise Conflict(f"{day.isoformat()} 起执行的标准已有一个版本；如需更正请修改该版本",
                           code="standards_exist") from None
        audit.record("add_standards", actor.id, "county_standards", day.isoformat(), "granted", remote_addr,
                     details={"before": _stored(before) | {"is_default": before.is_default}, "after": _stored(version)})
        result = _one(row, actor.county_id)
        uow.commit()
        return result


def correct_version(actor: Actor, effective_from: str, payload: dict, remote_addr: str | None = None) -> dict:
    """Correct a version's values (a typo, the county's document revised); its effective date stays."""
    _can_edit(actor)
    day = _parse_day(effective_from)
    with use_case() as uow:
        row = db.session.scalars(select(CountyStandardVersion).where(
            CountyStandardVersion.county_id == actor.county_id, CountyStandardVersion.effective_from == day,
        ).with_for_update()).first()
        if row is None:
            raise NotFound(f"没有 {day.isoformat()} 起执行的标准版本")
        before = row.standards()
        changes = {k: v for k, v in payload.items() if k != "effective_from"}
        version = st.build(before, day, changes)
        row.values, row.updated_by_id, row.updated_at = _stored(version), actor.id, utcnow()
        audit.record("correct_standards", actor.id, "county_standards", day.isoformat(), "granted", remote_addr,
                     details={"before": _stored(before), "after": _stored(version)})
        db.session.flush()
        result = _one(row, actor.county_id)
        uow.commit()
        return result
