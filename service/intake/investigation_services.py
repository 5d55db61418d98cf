"""Use cases of the investigation record (入户调查): list, record one, correct the newest. Primitives in,
plain dicts out; the request's shape is checked by the schema, what needs the database here."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake.casework_access import CASEWORKERS, case_for, note, require_open
from service.intake.household_services import household_of
from service.intake.household_terms import (
    ASSET_KINDS,
    INCOME_KINDS,
    INCOME_LABELS,
    PERIODS,
    SEVERITIES,
    VEHICLE_PURPOSES,
)
from service.intake.investigation import AssetItem, IncomeItem, Investigation, InvestigationVisitor
from service.intake.models import Application
from service.intake.rounding import fen
from service.unit_of_work import use_case


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def _money(value) -> str:
    return f"{fen(Decimal(value)):f}"  # always two places, whether read back from the database or not


def investigation_dict(inv: Investigation, names: dict[int, str], members: dict[int, str]) -> dict:
    return {
        "id": inv.id, "version": inv.version, "visited_on": inv.visited_on.isoformat(),
        "visitors": [{"id": v.staff_id, "name": names.get(v.staff_id)} for v in inv.visitors],
        "living_conditions": inv.living_conditions, "neighbour_notes": inv.neighbour_notes,
        "has_able_supporter": inv.has_able_supporter, "relief_severity": inv.relief_severity,
        "relief_severity_label": SEVERITIES.get(inv.relief_severity), "photo_ids": list(inv.photo_ids or []),
        "applicant_signed": inv.applicant_signed, "signed_on": inv.signed_on.isoformat() if inv.signed_on else None,
        "incomes": [{"id": i.id, "member_id": i.member_id, "member_name": members.get(i.member_id, "全家"),
                     "kind": i.kind, "kind_label": INCOME_LABELS[i.kind], "amount": _money(i.amount),
                     "period": i.period, "period_label": PERIODS[i.period], "costs": _money(i.costs), "note": i.note}
                    for i in inv.incomes],
        "assets": [{"id": a.id, "member_id": a.member_id, "member_name": members.get(a.member_id, "全家"),
                    "kind": a.kind, "kind_label": ASSET_KINDS[a.kind], "value": _money(a.value),
                    "purpose": a.purpose, "purpose_label": VEHICLE_PURPOSES.get(a.purpose), "count": a.count,
                    "note": a.note} for a in inv.assets],
        "recorded_by": names.get(inv.recorded_by_id), "created_at": _iso(inv.created_at),
        "updated_at": _iso(inv.updated_at),
    }


def _names(investigations: list[Investigation]) -> dict[int, str]:
    ids = {v.staff_id for inv in investigations for v in inv.visitors} | \
        {inv.recorded_by_id for inv in investigations if inv.recorded_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(ids))).all())


def _member_names(app: Application) -> dict[int, str]:
    household = household_of(app)
    return {m.id: m.name for m in household.members} if household else {}


def investigations_of(app: Application) -> list[Investigation]:
    """Newest first: the first is the record in force."""
    return list(db.session.scalars(select(Investigation).where(Investigation.application_id == app.id)
                                   .order_by(Investigation.id.desc())))


def list_investigations(actor: Actor, case_no: str) -> dict:
    app = case_for(actor, case_no)
    rows = investigations_of(app)
    names, members = _names(rows), _member_names(app)
    return {"case_no": app.case_no, "items": [investigation_dict(inv, names, members) for inv in rows]}


def record_investigation(actor: Actor, case_no: str, payload: dict, *, today: dt.date | None = None) -> dict:
    """A new record (the first visit, or a re-investigation after an objection)."""
    today = today or beijing_today()
    with use_case() as uow:
        app = case_for(actor, case_no)
        _check_case(app)
        inv = Investigation(application_id=app.id, recorded_by_id=actor.id)
        _fill(inv, app, actor, payload, today)
        db.session.add(inv)
        note(app, actor, "investigation_recorded", _summary(inv))
        db.session.flush()
        result = investigation_dict(inv, _names([inv]), _member_names(app))
        uow.commit()
        return result


def update_investigation(actor: Actor, case_no: str, investigation_id: int, payload: dict,
                         expected_version: int | None, *, today: dt.date | None = None) -> dict:
    """Correct the newest record; an earlier round stays as it was, as evidence."""
    today = today or beijing_today()
    with use_case() as uow:
        app = case_for(actor, case_no)
        _check_case(app)
        rows = investigations_of(app)
        inv = next((r for r in rows if r.id == investigation_id), None)
        if inv is None:
            raise NotFound("没有找到该调查记录")
        if inv is not rows[0]:
            raise Conflict("只能修改最近一次调查记录；之前的记录作为证据保留", code="investigation_superseded")
        if expected_version != inv.version:
            raise StaleVersion("调查记录刚被他人修改，请刷新后再保存")
        _fill(inv, app, actor, payload, today)
        inv.updated_at = utcnow()
        note(app, actor, "investigation_updated", _summary(inv))
        db.session.flush()
        result = investigation_dict(inv, _names([inv]), _member_names(app))
        uow.commit()
        return result


def _check_case(app: Application) -> None:
    require_open(app, "入户调查记录")
    if app.accepted_on is None:
        raise Conflict("申请尚未受理，受理后再登记入户调查", code="not_accepted")


def _fill(inv: Investigation, app: Application, actor: Actor, payload: dict, today: dt.date) -> None:
    errors: dict = {}
    members = _member_names(app)
    _check_dates(payload, app, today, errors)
    visitors = _visitors(payload.get("visitor_ids") or [], app, errors)
    _check_items(payload.get("incomes") or [], "incomes", members, errors)
    _check_items(payload.get("assets") or [], "assets", members, errors)
    photos = _photos(payload.get("photo_ids") or [], app, errors)
    if errors:
        raise InvalidInput(fields=errors)
    with db.session.no_autoflush:  # one UPDATE per change, so the version moves by exactly one
        _assign(inv, payload, visitors, photos)


def _assign(inv: Investigation, payload: dict, visitors: list[int], photos: list[int]) -> None:
    inv.visited_on = payload["visited_on"]
    inv.living_conditions = payload["living_conditions"].strip()
    inv.neighbour_notes = (payload.get("neighbour_notes") or "").strip() or None
    inv.has_able_supporter = payload.get("has_able_supporter")
    inv.relief_severity = payload.get("relief_severity")
    inv.photo_ids = photos
    inv.applicant_signed = bool(payload.get("applicant_signed"))
    inv.signed_on = payload.get("signed_on") if inv.applicant_signed else None
    inv.visitors = [InvestigationVisitor(staff_id=i) for i in visitors]
    inv.incomes = [IncomeItem(member_id=i.get("member_id"), kind=i["kind"], amount=i["amount"],
                              period=i.get("period") or "month", costs=i.get("costs") or 0,
                              note=(i.get("note") or "").strip() or None) for i in payload.get("incomes") or []]
    inv.assets = [AssetItem(member_id=a.get("member_id"), kind=a["kind"], value=a.get("value") or 0,
                            purpose=(a.get("purpose") or "private") if a["kind"] == "vehicle" else None,
                            count=a.get("count") or 1, note=(a.get("note") or "").strip() or None)
                  for a in payload.get("assets") or []]


def _check_dates(payload: dict, app: Application, today: dt.date, errors: dict) -> None:
    visited, accepted = payload["visited_on"], app.accepted_on
    if visited > today:
        errors["visited_on"] = ["走访日期不能晚于今天"]
    elif visited < accepted:
        errors["visited_on"] = [f"走访日期不能早于受理日期（{accepted.isoformat()}）"]
    signed_on = payload.get("signed_on")
    if payload.get("applicant_signed"):
        if signed_on is None:
            errors["signed_on"] = ["已签字时请填写签字日期"]
        elif signed_on > today or signed_on < visited:
            errors["signed_on"] = ["签字日期应在走访日期和今天之间"]


def _visitors(ids: list[int], app: Application, errors: dict) -> list[int]:
    distinct = list(dict.fromkeys(ids))
    if len(distinct) < 2:
        errors["visitor_ids"] = ["入户调查须有至少两名工作人员，请选择两名不同的走访人员"]
        return distinct
    staff = db.session.scalars(select(StaffUser).where(StaffUser.id.in_(distinct))).all()
    fit = {u.id for u in staff if u.active and u.county_id == app.county_id and u.role in CASEWORKERS
           and (u.role != "window" or u.township_id == app.township_id)}
    if set(distinct) - fit:
        errors["visitor_ids"] = ["走访人员须为本乡镇民政窗口或县民政局的在岗工作人员"]
    return distinct


def _check_items(items: list[dict], key: str, members: dict[int, str], errors: dict) -> None:
    problems: dict[int, dict[str, list[str]]] = {}
    for i, item in enumerate(items):
        if item.get("member_id") is not None and item["member_id"] not in members:
            problems.setdefault(i, {})["member_id"] = ["该成员不在本申请的家庭成员中，请先保存家庭成员"]
        if key == "incomes" and item.get("costs") and INCOME_KINDS[item["kind"]][1] != "net":
            problems.setdefault(i, {})["costs"] = ["只有经营、种植养殖和财产收入可以填成本"]
        if key == "assets" and item.get("purpose") and item["kind"] != "vehicle":
            problems.setdefault(i, {})["purpose"] = ["只有机动车需要填写用途"]
    if problems:
        errors[key] = problems


def _photos(ids: list[int], app: Application, errors: dict) -> list[int]:
    from service.intake.models import Attachment  # the attachments table is the chat's; a later step moves it

    distinct = list(dict.fromkeys(ids))
    if not distinct:
        return []
    found = set(db.session.scalars(select(Attachment.id).where(
        Attachment.id.in_(distinct), Attachment.application_id == app.id)))
    if set(distinct) - found:
        errors["photo_ids"] = ["照片不属于本申请，请从本案的材料中选择"]
    return distinct


def _summary(inv: Investigation) -> str:
    return (f"走访日期 {inv.visited_on.isoformat()}，走访人员 {len(inv.visitors)} 人，"
            f"收入 {len(inv.incomes)} 项，财产 {len(inv.assets)} 项")

