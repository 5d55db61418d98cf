"""Townships and villages: imported from a CSV (`flask divisions import`, the admin page) or added and
renamed one at a time, all through one plan: check every row against the file and the database, then
write all of it or nothing.

Places are matched by code; a place imported before it had a code (the demo's, an older seed) is matched by
name and takes the code. Nothing is ever deleted: applications, applicants and staff point at places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from service.auth.actor import Actor
from service.county import codes, division_file
from service.county.division_file import Row
from service.county.services import county_by_code, county_by_id
from service.county.trail import check_admin, record_change
from service.errors import InvalidInput, NotFound
from service.extensions import db
from service.intake.models import Application, County, Township, Village
from service.unit_of_work import use_case


class DivisionsRefused(InvalidInput):
    """The file, or the one place, has problems; nothing was written."""

    def __init__(self, problems: list[tuple[int, str]], notes: list[str] | None = None):
        self.problems, self.notes = problems, notes or []
        lines = [f"第 {line} 行：{text}" if line else text for line, text in problems]
        super().__init__(f"导入未执行：发现 {len(problems)} 处问题，没有写入任何数据。请改正后重新导入。",
                         fields={"file": lines})


@dataclass
class _Plan:
    townships: list[tuple[Row, Township | None]] = field(default_factory=list)
    villages: list[tuple[Row, Village | None, Township | None]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def import_divisions(county_code: str, data: bytes, *, by: Actor | None = None,
                     remote_addr: str | None = None) -> dict:
    """Add new places, rename and re-position known ones; returns what changed, for the CLI and the page."""
    county = county_by_code(county_code)
    check_admin(by, county.id)
    parsed = division_file.parse(data, county.code)
    if not parsed.readable:
        raise DivisionsRefused(parsed.problems, parsed.notes)
    with use_case() as uow:  # rows refused on reading are still checked against the database: one list of all
        summary = _plan_and_apply(county, parsed.rows, by=by, remote_addr=remote_addr, event="divisions_import",
                                  problems=parsed.problems, refused=parsed.refused)
        uow.commit()
    return {**summary, "notes": parsed.notes}


def add_place(county_id: int, code: str, name: str, lat: str = "", lng: str = "", *, by: Actor,
              remote_addr: str | None = None) -> dict:
    """One new township or village (the admin page); the same checks as a one-row import."""
    county = county_by_id(county_id)
    check_admin(by, county.id)
    row = _one_row(county, code, name, lat, lng)
    with use_case() as uow:
        _refuse_known(county, row)
        result = _plan_and_apply(county, [row], by=by, remote_addr=remote_addr, event="place_add")
        uow.commit()
        return result


def change_place(county_id: int, kind: str, place_id: int, name: str, lat: str = "", lng: str = "", *,
                 by: Actor, remote_addr: str | None = None) -> dict:
    """Rename (and re-position) one place by id; empty lat/lng keeps its position."""
    county = county_by_id(county_id)
    check_admin(by, county.id)
    place = db.session.get(Township if kind == codes.TOWNSHIP else Village, place_id)
    owner = place if isinstance(place, Township) else place.township if place else None
    if place is None or owner.county_id != county.id:
        raise NotFound("没有这个乡镇或村")
    if not place.code:
        raise InvalidInput("这个地点还没有区划代码：请通过导入 CSV 补上代码后再修改",
                           fields={"name": ["缺少区划代码，不能单独修改"]})
    row = _one_row(county, place.code, name, lat, lng)
    with use_case() as uow:
        result = _plan_and_apply(county, [row], by=by, remote_addr=remote_addr, event="place_change")
        uow.commit()
        return result


def list_divisions(county_id: int) -> list[dict]:
    """Townships in code order with their villages and how many applications each has (admin page)."""
    counts = dict(db.session.execute(
        select(Application.village_id, func.count()).where(Application.county_id == county_id)
        .group_by(Application.village_id)).all())
    townships = db.session.scalars(select(Township).where(Township.county_id == county_id)
                                   .order_by(Township.code, Township.id)).all()
    return [{
        "id": t.id, "code": t.code, "name": t.name, "lat": t.latitude, "lng": t.longitude,
        "villages": [{"id": v.id, "code": v.code, "name": v.name, "lat": v.latitude, "lng": v.longitude,
                      "applications": counts.get(v.id, 0)}
                     for v in sorted(t.villages, key=lambda v: (v.code or "", v.id))],
    } for t in townships]


# ---- the plan -------------------------------------------------------------------------------------


def _one_row(county: County, code: str, name: str, lat: str, lng: str) -> Row:
    code, name = codes.normalise_division_code(code), (name or "").strip()
    errors = {}
    if problem := codes.division_code_problem(code, county.code):
        errors["code"] = [problem]
    if problem := codes.name_problem(name):
        errors["name"] = [problem]
    position = (None, None)
    try:
        position = codes.position(lat, lng)
    except ValueError as exc:
        errors["lat"] = [str(exc)]
    if errors:
        raise InvalidInput(fields=errors)
    return Row(0, code, name, codes.division_kind(code), *position)


def _refuse_known(county: County, row: Row) -> None:
    model = Township if row.kind == codes.TOWNSHIP else Village
    if db.session.scalar(select(model.id).where(model.code == row.code)):
        raise InvalidInput(fields={"code": [f"代码 {row.code} 已存在；要改名请在列表中修改"]})


def _plan_and_apply(county: County, rows: list[Row], *, by, remote_addr, event, problems=(), refused=None) -> dict:
    plan = _plan(county, rows, refused or {})
    if plan.problems or problems:
        raise DivisionsRefused(sorted([*problems, *plan.problems], key=lambda p: p[0]))
    changes = _apply(county, plan)
    if any(changes["after"].values()):  # a re-import that changes nothing leaves no row
        record_change(by, event, "county", county.code, before=changes["before"], after=changes["after"],
                      remote_addr=remote_addr)
    return changes["summary"]


def _plan(county: County, rows: list[Row], refused: dict[str, int]) -> _Plan:
    plan = _Plan()
    townships = db.session.scalars(select(Township).where(Township.county_id == county.id)).all()
    t_by_code = {t.code: t for t in townships if t.code}
    t_by_name = {t.name: t for t in townships}
    villages = db.session.scalars(select(Village).join(Township).where(Township.county_id == county.id)).all()
    v_by_code = {v.code: v for v in villages if v.code}
    v_by_name = {(v.township_id, v.name): v for v in villages}
    elsewhere = _codes_elsewhere(county, rows)
    planned_townships: dict[str, Township | None] = {}
    refused_townships = {code: line for code, line in refused.items() if codes.division_kind(code) == codes.TOWNSHIP}

    def refuse(row: Row, message: str) -> None:
        plan.problems.append((row.line, message))
        if row.kind == codes.TOWNSHIP:
            refused_townships[row.code] = row.line

    for row in (r for r in rows if r.kind == codes.TOWNSHIP):
        target = t_by_code.get(row.code)
        if target is None:
            target, problem = _new_or_adopted(row, t_by_name.get(row.name), elsewhere, "乡镇「{name}」已存在")
            if problem:
                refuse(row, problem)
                continue
        plan.townships.append((row, target))
        planned_townships[row.code] = target
    _check_unique_names(plan, plan.townships, townships, "乡镇")

    for row in (r for r in rows if r.kind == codes.VILLAGE):
        t_code = row.township_code
        if t_code in refused_townships:
            refuse(row, f"所属乡镇（第 {refused_townships[t_code]} 行）有误，请先改正那一行")
            continue
        if t_code in planned_townships:
            township = planned_townships[t_code]
        elif t_code in t_by_code:
            township = t_by_code[t_code]
        else:
            refuse(row, f"所属乡镇 {t_code} 不在文件中，本县也还没有这个乡镇：请在文件中加上该乡镇一行")
            continue
        target = v_by_code.get(row.code)
        if target is None:
            named = v_by_name.get((township.id, row.name)) if township is not None else None
            target, problem = _new_or_adopted(row, named, elsewhere, "村「{name}」在该乡镇已存在")
            if problem:
                refuse(row, problem)
                continue
        elif township is None or target.township_id != township.id:
            refuse(row, f"村 {row.code} 在系统中属于另一个乡镇，代码与乡镇对不上")
            continue
        plan.villages.append((row, target, township))
    for t_code in {r.township_code for r, _, _ in plan.villages}:
        township = planned_townships.get(t_code, t_by_code.get(t_code))
        existing = [v for v in villages if township is not None and v.township_id == township.id]
        in_township = [(r, v) for r, v, _ in plan.villages if r.township_code == t_code]
        _check_unique_names(plan, in_township, existing, "村")
    return plan


def _new_or_adopted(row: Row, named, elsewhere: dict[str, str], exists: str):
    """A row whose code is unknown here: a new place (None), or the code-less place of the same name
    (an older seed) taking the code; or why neither."""
    if named is not None and named.code:
        return None, exists.format(name=row.name) + f"，代码为 {named.code}，与本行代码 {row.code} 不同"
    if row.code in elsewhere:
        return None, f"代码 {row.code} 已属于{elsewhere[row.code]}"
    return named, None


def _codes_elsewhere(county: County, rows: list[Row]) -> dict[str, str]:
    """Codes of these rows already held by another county's places (the codes are unique nationwide)."""
    wanted = [r.code for r in rows]
    found = {}
    townships = select(Township.code, Township.name).where(Township.code.in_(wanted), Township.county_id != county.id)
    villages = (select(Village.code, Village.name).join(Township, Village.township_id == Township.id)
                .where(Village.code.in_(wanted), Township.county_id != county.id))
    for query, label in ((townships, "乡镇"), (villages, "村")):
        for code, name in db.session.execute(query):
            found[code] = f"其他县的{label}「{name}」"
    return found


def _check_unique_names(plan: _Plan, planned: list, existing: list, label: str) -> None:
    """After the change no two places under one parent may share a name: a renamed or new place must not
    take the name of a place the file leaves as it is (names inside the file were checked on parsing)."""
    targeted = {id(target) for _, target, *_ in planned if target is not None}
    untouched = {place.name: place for place in existing if id(place) not in targeted}
    for row, *_ in planned:
        other = untouched.get(row.name)
        if other is not None:
            plan.problems.append((row.line, f"名称「{row.name}」与已有的{label}「{other.name}」"
                                            f"（代码 {other.code or '无'}）重名"))


def _apply(county: County, plan: _Plan) -> dict:
    added, renamed, moved = [], [], []
    # places known before by name only (an older seed) take their code now
    coded = [{"code": row.code, "name": row.name} for row, t, *_ in plan.townships + plan.villages
             if t is not None and not t.code]
    renaming = [(row, t) for row, t, *_ in plan.townships + plan.villages if t is not None and t.name != row.name]
    for row, place in renaming:
        renamed.append({"code": row.code, "before": place.name, "after": row.name})
        place.name = f"~renaming {place.id}~"  # a swap of two names must not trip the unique constraint
    db.session.flush()
    for row, township in plan.townships:
        if township is None:
            township = Township(county_id=county.id, code=row.code, name=row.name)
            db.session.add(township)
            added.append({"code": row.code, "name": row.name})
        _place(township, row, moved)
    db.session.flush()
    by_code = {t.code: t for t in db.session.scalars(select(Township).where(Township.county_id == county.id))}
    for row, village, _ in plan.villages:
        if village is None:
            village = Village(township_id=by_code[row.township_code].id, code=row.code, name=row.name)
            db.session.add(village)
            added.append({"code": row.code, "name": row.name})
        _place(village, row, moved)
    db.session.flush()
    kinds = {codes.TOWNSHIP: 0, codes.VILLAGE: 0}
    for entry in added:
        kinds[codes.division_kind(entry["code"])] += 1
    changed = {e["code"] for e in added + renamed + moved + coded}
    summary = {"townships_added": kinds[codes.TOWNSHIP], "villages_added": kinds[codes.VILLAGE],
               "renamed": len(renamed), "moved": len(moved), "coded": len(coded),
               "unchanged": len(plan.townships) + len(plan.villages) - len(changed)}
    return {"summary": summary, "before": {"renamed": [{"code": r["code"], "name": r["before"]} for r in renamed],
                                           "moved": [{"code": m["code"], "position": m["before"]} for m in moved]},
            "after": {"added": added, "coded": coded,
                      "renamed": [{"code": r["code"], "name": r["after"]} for r in renamed],
                      "moved": [{"code": m["code"], "position": m["after"]} for m in moved]}}


def _place(place, row: Row, moved: list) -> None:
    """Code (adopted when missing), name, and position when the row gives one."""
    place.code = row.code
    place.name = row.name
    if row.lat is not None and (place.latitude, place.longitude) != (row.lat, row.lng):
        if place.id is not None:  # a new place's position is part of adding it
            moved.append({"code": row.code, "before": _pair(place), "after": [row.lat, row.lng]})
        place.latitude, place.longitude = row.lat, row.lng


def _pair(place) -> list | None:
    return None if place.latitude is None else [place.latitude, place.longitude]
