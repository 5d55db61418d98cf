"""Use cases of the household: read it (a draft from the application until the window saves one), save it
whole, reveal one member's ID number (audited). Primitives in, plain dicts out."""

import datetime as dt

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.auth import audit
from service.auth.actor import Actor
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake.casework_access import case_for, note, require_open
from service.intake.household import Household, HouseholdMember
from service.intake.household_terms import AREAS, CARE_LEVELS, EXCLUSIONS, MEMBER_FLAGS, RELATIONS
from service.intake.identity import id_number_problem, mask_id_number, normalise_id_number
from service.intake.investigation import AssetItem, IncomeItem
from service.intake.models import Application
from service.unit_of_work import use_case


def _protector():
    return current_app.extensions["field_protector"]


def household_of(app: Application) -> Household | None:
    return db.session.scalars(select(Household).where(Household.application_id == app.id)).first()


def _masked(encrypted: str | None) -> str | None:
    return mask_id_number(_protector().decrypt(encrypted)) if encrypted else None


def _member_dict(m: HouseholdMember) -> dict:
    return {
        "id": m.id, "relation": m.relation, "relation_label": RELATIONS[m.relation], "name": m.name,
        "id_number": _masked(m.id_number_encrypted), **{flag: getattr(m, flag) for flag in MEMBER_FLAGS},
        "care_level": m.care_level, "care_level_label": CARE_LEVELS.get(m.care_level),
        "excluded_reason": m.excluded_reason, "excluded_label": EXCLUSIONS.get(m.excluded_reason),
        "excluded_note": m.excluded_note, "counted": not m.excluded_reason,
    }


def _view(app: Application, household: Household | None) -> dict:
    base = {"case_no": app.case_no, "reported_size": app.household_size}
    if household is None:  # the applicant as 本人, for the window to complete (the chat's size is a hint)
        draft = {"id": None, "relation": "self", "relation_label": RELATIONS["self"], "name": app.applicant.name,
                 "id_number": _masked(app.applicant.id_number_encrypted), **dict.fromkeys(MEMBER_FLAGS, False),
                 "care_level": None, "care_level_label": None, "excluded_reason": None, "excluded_label": None,
                 "excluded_note": None, "counted": True}
        return {**base, "exists": False, "version": None, "area": "rural", "area_label": AREAS["rural"],
                "members": [draft], "counted_members": 1, "updated_at": None}
    members = [_member_dict(m) for m in household.members]
    return {**base, "exists": True, "version": household.version, "area": household.area,
            "area_label": AREAS[household.area], "members": members,
            "counted_members": sum(1 for m in members if m["counted"]),
            "updated_at": household.updated_at.isoformat(timespec="seconds") + "Z"}


def get_household(actor: Actor, case_no: str) -> dict:
    app = case_for(actor, case_no)
    return _view(app, household_of(app))


def _aged_60_plus(id_number: str, today: dt.date) -> bool:
    year, month, day = int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
    try:
        birth = dt.date(year, month, day)
    except ValueError:  # the check digit passed but the day does not exist (0230): the month decides
        birth = dt.date(year, month, 28)
    return (today.year - birth.year) - ((today.month, today.day) < (birth.month, birth.day)) >= 60


def _check(rows: list[dict], existing: dict[int, HouseholdMember]) -> dict:
    """Per-member problems as {"members": {index: {field: [message]}}}, marshmallow's nesting."""
    problems: dict[int, dict[str, list[str]]] = {}
    seen_ids, seen_numbers = set(), {}
    for i, row in enumerate(rows):
        def add(name: str, message: str, i=i):
            problems.setdefault(i, {}).setdefault(name, []).append(message)
        if row.get("id") is not None:
            if row["id"] not in existing:
                add("id", "该成员不属于本申请的家庭，请刷新后再保存")
            elif row["id"] in seen_ids:
                add("id", "同一成员出现了两次")
            seen_ids.add(row["id"])
        number = row.get("id_number")
        if number and "*" in number:  # the masked number sent back as read: unchanged, when it is this member's
            member = existing.get(row.get("id"))
            if member is None or _masked(member.id_number_encrypted) != number.strip():
                add("id_number", "带 * 的是脱敏显示的号码，请填写完整的身份证号码")
        elif number:
            problem = id_number_problem(number)
            if problem:
                add("id_number", problem)
            else:
                key = normalise_id_number(number)
                if key in seen_numbers:
                    add("id_number", f"与第 {seen_numbers[key] + 1} 位成员的身份证号相同")
                seen_numbers.setdefault(key, i)
        if row.get("excluded_reason") and row["relation"] == "self":
            add("excluded_reason", "申请人本人不能排除在家庭之外")
        if row.get("excluded_reason") == "other" and not (row.get("excluded_note") or "").strip():
            add("excluded_note", "选择「其他不计入情形」时请写明原因")
    selves = sum(1 for r in rows if r["relation"] == "self")
    errors = {"members": problems} if problems else {}
    if selves != 1:
        errors["household"] = ["家庭成员中须有且只有一位「本人」（即申请人）"]
    return errors


def save_household(actor: Actor, case_no: str, payload: dict, expected_version: int | None,
                   *, today: dt.date | None = None) -> dict:
    """Replace the household with `payload` (area, members). A member sent with its `id` and without
    `id_number` (or with the masked number as read) keeps the stored one; `id_number: null` clears it;
    本人 without one takes the applicant's. A member still holding investigation items cannot be removed."""
    today = today or beijing_today()
    rows = payload["members"]
    with use_case() as uow:
        app = case_for(actor, case_no)
        require_open(app, "家庭成员")
        household = household_of(app)
        if (household.version if household else None) != expected_version:
            raise StaleVersion("家庭成员刚被他人修改，请刷新后再保存")
        existing = {m.id: m for m in household.members} if household else {}
        errors = _check(rows, existing)
        if errors:
            raise InvalidInput(fields=errors)
        _refuse_removing_used(set(existing) - {r.get("id") for r in rows}, existing)
        if household is None:
            household = Household(application_id=app.id)
            db.session.add(household)
        with db.session.no_autoflush:  # one UPDATE, so the version moves by exactly one
            household.area = payload.get("area") or "rural"
            household.updated_by_id, household.updated_at = actor.id, utcnow()  # an UPDATE even if only members change
            household.members = [_member(app, row, existing.get(row.get("id")), position, today)
                                 for position, row in enumerate(rows)]
        note(app, actor, "household_saved", _summary(household.members))
        try:
            db.session.flush()
        except IntegrityError:  # another clerk saved the first version of this household at the same moment
            raise StaleVersion("家庭成员刚被他人修改，请刷新后再保存") from None
        result = _view(app, household)
        uow.commit()
        return result


def _member(app: Application, row: dict, member: HouseholdMember | None, position: int,
            today: dt.date) -> HouseholdMember:
    member = member or HouseholdMember()
    member.position, member.relation, member.name = position, row["relation"], row["name"].strip()
    for flag in MEMBER_FLAGS:
        setattr(member, flag, bool(row.get(flag)))
    member.care_level = row.get("care_level")
    member.excluded_reason = row.get("excluded_reason")
    member.excluded_note = ((row.get("excluded_note") or "").strip() or None) if member.excluded_reason else None
    if "id_number" in row and "*" not in (row["id_number"] or ""):
        number = normalise_id_number(row["id_number"]) if row["id_number"] else None
        member.id_number_encrypted = _protector().encrypt(number) if number else None
        member.id_number_hash = _protector().lookup_hash(number) if number else None
    elif member.id is None and row["relation"] == "self" and app.applicant.id_number_encrypted:
        member.id_number_encrypted = app.applicant.id_number_encrypted
        member.id_number_hash = app.applicant.id_number_hash
    if member.id_number_encrypted:  # the ID number knows the age better than a tick box
        member.aged_60_plus = _aged_60_plus(_protector().decrypt(member.id_number_encrypted), today)
    return member


def _refuse_removing_used(removed: set, existing: dict[int, HouseholdMember]) -> None:
    if not removed:
        return
    used = set(db.session.scalars(select(IncomeItem.member_id).where(IncomeItem.member_id.in_(removed)))) | \
        set(db.session.scalars(select(AssetItem.member_id).where(AssetItem.member_id.in_(removed))))
    if used:
        names = "、".join(existing[i].name for i in sorted(used))
        raise Conflict(f"{names} 在入户调查记录中登记了收入或财产，不能删除；请先在调查记录中删除或改到其他成员",
                       code="member_in_use")


def _summary(members: list[HouseholdMember]) -> str:
    counted = sum(1 for m in members if not m.excluded_reason)
    text = f"家庭成员 {len(members)} 人"
    return text + (f"，计入 {counted} 人" if counted != len(members) else "")


def reveal_member_id_number(actor: Actor, case_no: str, member_id: int, remote_addr: str | None = None) -> dict:
    """A member's full ID number, for checking papers; every reveal and every refusal is audited."""
    target = f"{case_no}:{member_id}"[:40]
    with use_case() as uow:
        try:
            app = case_for(actor, case_no)
        except (Forbidden, NotFound):
            audit.record("reveal_member_id_number", actor.id, "household_member", target, "refused", remote_addr)
            uow.commit()  # the refusal is evidence too; keep it before raising
            raise
        household = household_of(app)
        member = next((m for m in household.members if m.id == member_id), None) if household else None
        if member is None:
            raise NotFound("没有找到该家庭成员")
        audit.record("reveal_member_id_number", actor.id, "household_member", f"{app.case_no}:{member.id}",
                     "granted", remote_addr)
        number = _protector().decrypt(member.id_number_encrypted) if member.id_number_encrypted else None
        result = {"case_no": app.case_no, "member_id": member.id, "name": member.name, "id_number": number}
        uow.commit()
        return result
