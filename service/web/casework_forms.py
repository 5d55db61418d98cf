"""The case page's household and investigation forms: posted fields → the use cases' payloads, their
InvalidInput back onto the form's boxes, and what the two sections show. The checks stay in the use cases;
here only what a form cannot say in JSON (a box left blank, a number typed as text) is read in Chinese."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.extensions import db
from service.intake import household_services, investigation_services
from service.intake import standards as st
from service.intake import workflow as wf
from service.intake.household_terms import (
    AREAS,
    ASSET_KINDS,
    CARE_LEVELS,
    EXCLUSIONS,
    INCOME_KINDS,
    INCOME_LABELS,
    MEMBER_FLAGS,
    PERIODS,
    RELATIONS,
    SEVERITIES,
    VEHICLE_PURPOSES,
)
from service.intake.identity import mask_name
from service.intake.models import Application
from service.request_limits import bounded_int

NEW_MEMBER_ROWS = 2  # blank rows under the members, to add without JavaScript
INCOME_ROWS, ASSET_ROWS = 6, 3
MAX_ROWS = 40  # a posted row count beyond this is not a form of ours
MONEY = st.Spec("金额", "money", Decimal(0), Decimal(10_000_000), 2, optional=False)
VALUE = st.Spec("价值", "money", Decimal(0), Decimal(1_000_000_000), 2, optional=True)
TEXT_FIELDS = ("id", "relation", "name", "id_number", "care_level", "excluded_reason", "excluded_note")


def _count(form, name: str, default: int) -> int:
    try:
        return min(bounded_int(form.get(name, default)), MAX_ROWS)
    except ValueError:
        return default


def _choice(value: str, choices: dict) -> tuple[str | None, bool]:
    """(the code or None when blank, whether it is one of ours)."""
    return (value or None), (not value or value in choices)


def member_rows(household: dict) -> list[dict]:
    """The form's rows: the members as stored (or the draft 本人), then blank ones to add."""
    rows = [{**{k: ("" if m.get(k) is None else m[k]) for k in TEXT_FIELDS}, **{f: m[f] for f in MEMBER_FLAGS},
             "id_number": m["id_number"] if m["id"] else "", "remove": False} for m in household["members"]]
    for row in rows:
        if row["relation"] == "self":  # the applicant's name stays masked on the page: blank keeps it
            row["name"] = ""
    blank = {**dict.fromkeys(TEXT_FIELDS, ""), **dict.fromkeys(MEMBER_FLAGS, False), "remove": False}
    return rows + [dict(blank) for _ in range(NEW_MEMBER_ROWS)]


def posted_member_rows(form) -> list[dict]:
    """The rows as typed, to show them again beside the errors."""
    rows = []
    for i in range(_count(form, "rows", 0)):
        p = f"m-{i}-"
        rows.append({**{k: form.get(p + k, "") for k in TEXT_FIELDS},
                     **{f: form.get(p + f) == "1" for f in MEMBER_FLAGS}, "remove": form.get(p + "remove") == "1"})
    return rows


def household_from_form(form, self_names: dict[str, str]) -> tuple[dict, int | None, list[int], dict]:
    """(payload, expected version, form row of each payload member, errors found before the use case).
    本人 left without a name keeps the name on record (`self_names`: member id, "" for the draft → name)."""
    errors: dict[str, list[str]] = {}
    members, positions = [], []
    for i, raw in enumerate(posted_member_rows(form)):
        p = f"m-{i}-"
        raw = {k: v.strip() if isinstance(v, str) else v for k, v in raw.items()}
        if not raw["name"] and raw["relation"] == "self" and raw["id"] in self_names:
            raw["name"] = self_names[raw["id"]]
        if raw["remove"] or (not raw["id"] and not raw["name"] and not raw["id_number"]):
            continue  # removed, or a blank row left blank
        member_id = None
        if raw["id"]:
            try:
                member_id = bounded_int(raw["id"]) or None
            except ValueError:
                errors[p + "name"] = ["该成员不属于本申请的家庭，请刷新后再保存"]
        row = {"id": member_id, "relation": raw["relation"], "name": raw["name"],
               **{f: raw[f] for f in MEMBER_FLAGS}}
        if raw["relation"] not in RELATIONS:
            errors[p + "relation"] = ["请选择与申请人的关系"]
        if not raw["name"]:
            errors[p + "name"] = ["请填写姓名"]
        elif len(raw["name"]) > 40:
            errors[p + "name"] = ["姓名最多 40 个字"]
        if len(raw["id_number"]) > 24:
            errors[p + "id_number"] = ["身份证号应为 18 位"]
        if member_id or raw["id_number"]:  # a saved member's emptied box clears the number; a new one's is left out
            row["id_number"] = raw["id_number"] or None
        for key, choices in (("care_level", CARE_LEVELS), ("excluded_reason", EXCLUSIONS)):
            row[key], known = _choice(raw[key], choices)
            if not known:
                errors[p + key] = ["请从列表中选择"]
        if len(raw["excluded_note"]) > 200:
            errors[p + "excluded_note"] = ["最多 200 个字"]
        row["excluded_note"] = raw["excluded_note"] or None
        members.append(row)
        positions.append(i)
    if not members:
        errors["household"] = ["家庭成员中须有且只有一位「本人」（即申请人）"]
    area = form.get("area", "rural")
    if area not in AREAS:
        errors["area"] = ["请选择农村或城市"]
    try:
        version = bounded_int(form["version"]) if form.get("version") else None
    except ValueError:
        version = -1  # not a version we gave out: the use case answers as for a stale page
    return {"area": area, "members": members}, version, positions, errors


def nested_errors(fields: dict, prefixes: dict[str, tuple[str, list[int]]]) -> dict[str, list[str]]:
    """The use case's {"members": {index: {field: [..]}}} as {"m-<row>-<field>": [..]} for the form's boxes;
    anything else stays under its own name."""
    flat: dict[str, list[str]] = {}
    for key, value in (fields or {}).items():
        if key in prefixes and isinstance(value, dict):
            prefix, positions = prefixes[key]
            for index, problems in value.items():
                row = positions[int(index)] if int(index) < len(positions) else int(index)
                for field, messages in problems.items():
                    flat.setdefault(f"{prefix}-{row}-{field}", []).extend(messages)
        else:
            flat[key] = list(value) if isinstance(value, list | tuple) else [str(value)]
    return flat


def _date(value: str, name: str, label: str, errors: dict, *, required: bool) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors[name] = [f"请填写{label}"]
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = [f"{label}应为 年-月-日，如 2026-11-23"]
        return None


def _money(value: str, name: str, spec: st.Spec, errors: dict):
    try:
        return st.parse_decimal(value, spec)
    except ValueError as exc:
        errors[name] = [str(exc)]
        return None


def _member_id(value: str, name: str, errors: dict) -> int | None:
    if not value:
        return None  # the whole household's
    try:
        return bounded_int(value) or None
    except ValueError:
        errors[name] = ["请从列表中选择家庭成员"]
        return None


def investigation_from_form(form) -> tuple[dict, list[int], list[int], dict]:
    """(payload, form row of each income, form row of each asset, errors found before the use case)."""
    errors: dict[str, list[str]] = {}
    payload = {"visited_on": _date(form.get("visited_on"), "visited_on", "走访日期", errors, required=True),
               "living_conditions": form.get("living_conditions", "").strip(),
               "neighbour_notes": form.get("neighbour_notes", "").strip() or None,
               "has_able_supporter": {"1": True, "0": False}.get(form.get("has_able_supporter", "")),
               "applicant_signed": form.get("applicant_signed") == "1", "photo_ids": []}
    payload["signed_on"] = _date(form.get("signed_on"), "signed_on", "签字日期", errors, required=False)
    try:
        payload["visitor_ids"] = [bounded_int(v) for v in form.getlist("visitor_ids")][:20]
    except ValueError:
        errors["visitor_ids"] = ["请从列表中选择走访人员"]
    if not payload["living_conditions"]:
        errors["living_conditions"] = ["请填写居住和生活状况"]
    elif len(payload["living_conditions"]) > 4000 or len(payload["neighbour_notes"] or "") > 4000:
        errors["living_conditions"] = ["最多 4000 个字"]
    payload["relief_severity"], known = _choice(form.get("relief_severity", ""), SEVERITIES)
    if not known:
        errors["relief_severity"] = ["请从列表中选择"]
    payload["incomes"], incomes_at = _rows(form, errors, INCOMES)
    payload["assets"], assets_at = _rows(form, errors, ASSETS)
    return payload, incomes_at, assets_at, errors


class ItemRows(NamedTuple):
    """One of the investigation's tables of rows: boxes named <prefix>-<row>-<field>, `main` the figure."""
    prefix: str
    count_field: str
    default_rows: int
    main: str
    kinds: dict
    kind_error: str
    read: Callable  # (form, row prefix, the figure typed, errors) -> the row's own fields


def _rows(form, errors: dict, table: ItemRows) -> tuple[list[dict], list[int]]:
    """The rows that have a kind or a figure as items (member, kind, note and the table's own fields), and the
    form row of each."""
    items, positions = [], []
    for i in range(_count(form, table.count_field, table.default_rows)):
        p = f"{table.prefix}-{i}-"
        kind, figure = form.get(p + "kind", ""), form.get(p + table.main, "").strip()
        if not kind and not figure:
            continue
        if kind not in table.kinds:
            errors[p + "kind"] = [table.kind_error]
        items.append({"member_id": _member_id(form.get(p + "member_id", ""), p + "member_id", errors), "kind": kind,
                      **table.read(form, p, figure, errors), "note": form.get(p + "note", "").strip()[:200] or None})
        positions.append(i)
    return items, positions


def _income(form, p: str, amount: str, errors: dict) -> dict:
    period = form.get(p + "period", "month")
    if period not in PERIODS:
        errors[p + "period"] = ["请从列表中选择"]
    return {"amount": _money(amount, p + "amount", MONEY, errors), "period": period,
            "costs": _money(form.get(p + "costs", "").strip() or "0", p + "costs", MONEY, errors)}


def _asset(form, p: str, value: str, errors: dict) -> dict:
    purpose, known = _choice(form.get(p + "purpose", ""), VEHICLE_PURPOSES)
    if not known:
        errors[p + "purpose"] = ["请从列表中选择"]
    try:
        count = bounded_int(form.get(p + "count", "").strip() or "1")
        if not 1 <= count <= 20:
            raise ValueError(count)
    except ValueError:
        errors[p + "count"] = ["数量应为 1 到 20 的整数"]
        count = 1
    return {"value": _money(value, p + "value", VALUE, errors) or 0, "purpose": purpose, "count": count}


INCOMES = ItemRows("inc", "income_rows", INCOME_ROWS, "amount", INCOME_KINDS, "请选择收入类别", _income)
ASSETS = ItemRows("ast", "asset_rows", ASSET_ROWS, "value", ASSET_KINDS, "请选择财产类别", _asset)


def visitor_choices(case_no: str) -> list[dict]:
    """Who may be named as a visitor: active window staff of the case's township and county staff (read only;
    the use case checks the same again). Called after a use case has checked the caller sees the case."""
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    staff = db.session.scalars(select(StaffUser).where(
        StaffUser.county_id == app.county_id, StaffUser.active.is_(True), StaffUser.role.in_(wf.CASEWORKERS))
        .order_by(StaffUser.role.desc(), StaffUser.id)).all()
    return [{"id": u.id, "name": u.display_name, "role": u.role} for u in staff
            if u.role != "window" or u.township_id == app.township_id]


def context(actor, detail: dict, state: dict) -> dict | None:
    """What the two sections show; None for roles that do not work on cases (they see neither)."""
    if actor.role not in wf.CASEWORKERS:
        return None
    case_no = detail["case_no"]
    household = household_services.get_household(actor, case_no)
    investigations = investigation_services.list_investigations(actor, case_no)["items"]
    # 本人 is the applicant, whose name the page masks (as in the 申请人 panel); the others are shown as entered
    names = {m["id"]: mask_name(m["name"]) if m["relation"] == "self" else m["name"] for m in household["members"]}
    return {
        "household": household, "investigations": investigations, "names": names,
        "member_choices": {str(m["id"]): f'{m["relation_label"]} {names[m["id"]]}' for m in household["members"] if m["id"]},
        "rows": state.get("member_rows") or member_rows(household),
        "hh_errors": state.get("hh_errors") or {}, "area": state.get("area") or household["area"],
        "revealed": state.get("revealed_member"), "visitors": visitor_choices(case_no),
        "inv_errors": state.get("inv_errors") or {}, "inv_values": state.get("inv_values"),
        "income_rows": INCOME_ROWS, "asset_rows": ASSET_ROWS, "today": beijing_today().isoformat(),
        "editable": detail["status"] not in wf.CLOSED_STATES, "relations": RELATIONS, "flags": MEMBER_FLAGS,
        "exclusions": EXCLUSIONS, "care_levels": CARE_LEVELS, "areas": AREAS, "income_kinds": INCOME_LABELS,
        "periods": PERIODS, "asset_kinds": ASSET_KINDS, "purposes": VEHICLE_PURPOSES, "severities": SEVERITIES,
    }
