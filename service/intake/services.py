"""Use cases of the intake: log a call, claim, act on an application, reveal an ID, review a difference from
the applicant's file, remove a follower. Each commits through its unit of work.

Each takes primitives and an Actor, fetches, checks, asks the pure domain (the workflow and the intake's
procedure definition) what it does, applies that, commits, and returns plain dicts. Every recorded action
is published (events.ActionRecorded) inside the use case's transaction; intake does not know who listens
(the notices subscribe at the root).
"""

import datetime as dt
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from service import events
from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import (
    access,
    applicants,
    approval_services,
    calendars,
    deadlines,
    decisions,
    followers,
    notice_board,
    procedures,
)
from service.intake import workflow as wf
from service.intake.case_numbers import new_case_number, normalise
from service.intake.identity import id_number_problem, normalise_id_number, normalise_phone, phone_problem
from service.intake.models import (
    Applicant,
    Application,
    ApplicationEvent,
    County,
    Material,
    Township,
    Village,
)
from service.intake.presenters import application_detail, application_receipt
from service.unit_of_work import use_case

_get_for = access.get_for


def _record(app, action, from_status, actor: Actor | None, note=None, data=None, label=None):
    app.events.append(ApplicationEvent(
        action=action, from_status=from_status, to_status=app.status, actor_id=actor.id if actor else None,
        actor_label=label or (actor.label if actor else "系统"), note=note, data=data or {},
    ))
    # subscribers (the applicant's notice, wired at the root) write in this same transaction
    events.publish(events.ActionRecorded(app, action))


def _set_clock(app: Application, step_deadline: dt.date | None) -> None:
    for name, value in decisions.clock_fields(step_deadline, app.status, app.urgent).items():
        setattr(app, name, value)


# Built once: a statement built per call is also walked for its cache key on every execution
VILLAGE_WITH_COUNTY = select(Village).where(Village.id == bindparam("village_id")).options(
    joinedload(Village.township).joinedload(Township.county))
CASE_NO_TAKEN = select(Application.id).where(Application.case_no == bindparam("case_no"))
OPEN_OF_INTAKE = select(Application).where(Application.applicant_id == bindparam("applicant_id"),
                                           Application.intake == bindparam("intake"),
                                           Application.status.in_(wf.OPEN_STATES))


def _validate_call(payload: dict, *, followed: bool = False) -> dict:
    errors: dict[str, list[str]] = {}
    # a chat application may come without a phone: its WeChat account follows it and hears every notice
    problem = phone_problem(payload.get("phone") or "") if payload.get("phone") or not followed else None
    if problem:
        errors["phone"] = [problem]
    id_number = payload.get("id_number")
    if id_number and (problem := id_number_problem(id_number)):
        errors["id_number"] = [problem]
    if payload.get("intake") not in procedures.INTAKES:
        errors["intake"] = ["请选择救助类别：" + "、".join(procedures.LABELS.values())]
    elif payload.get("scheme") and payload["scheme"] not in procedures.SCHEMES[payload["intake"]]:
        errors["scheme"] = ["该救助类别下没有这个细类"]
    # the village with its township and county in one query: the checks, the row and the answer need all three
    village = db.session.scalars(VILLAGE_WITH_COUNTY, {"village_id": payload.get("village_id") or 0}).first()
    if village is None:
        errors["village_id"] = ["请选择申请人户籍所在的村（社区）"]
    if errors:
        raise InvalidInput(fields=errors)
    return {"village": village, "phone": normalise_phone(payload["phone"]) if payload.get("phone") else None,
            "id_number": normalise_id_number(id_number) if id_number else None}


def _new_case_no(today: dt.date) -> str:
    while True:
        case_no = new_case_number(today)
        with db.session.no_autoflush:  # a new applicant goes in with the application: one flush, not two
            if not db.session.scalar(CASE_NO_TAKEN, {"case_no": case_no}):
                return case_no


def open_application(actor: Actor | None, payload: dict, *, channel: str, today: dt.date | None = None,
                     route: dict | None = None, follower: str | None = None,
                     also: Callable[[Application], None] | None = None, receipt: bool = False) -> dict:
    """A new application from a hotline call, the window or a chat (`follower`: the WeChat account that
    submitted it, which then follows it): applicant matched, their file left as it is, clock started.
    Two at once for one person and intake: one opens, the other gets the duplicate refusal. `also(app)`
    runs in the same unit of work before it commits (the chat's photos: all or nothing with it).
    `receipt`: answer with what the resident is told (presenters.application_receipt), not the staff's detail."""
    today = today or beijing_today()
    name = (payload.get("name") or "").strip()
    checked = _validate_call(payload, followed=follower is not None)
    if not name:
        raise InvalidInput(fields={"name": ["请填写申请人姓名"]})
    township = checked["village"].township
    if actor is not None and actor.county_id != township.county_id:
        raise Forbidden("该村不在本县范围内")
    for _attempt in range(2):
        try:
            return _open(actor, payload, name, checked, channel, today, route, follower, also, receipt)
        except IntegrityError:
            # a call racing this one committed the same new ID number, or an open application of this
            # intake, first (the database's unique keys): looking again finds it and refuses as for any
            continue
    raise Conflict(RACED, code="duplicate_open_application")


RACED = "刚刚已有人为该申请人登记了同类申请，请不要重复登记；稍后可在队列中查到"


def _open(actor, payload, name, checked, channel, today, route, follower, also, receipt) -> dict:
    village = checked["village"]
    township = village.township
    county = township.county
    with use_case() as uow:
        applicant = applicants.match(name, checked["phone"], checked["id_number"], village)
        new_file = applicant.id is None
        _refuse_duplicate(applicant, payload["intake"], actor, follower, county)
        app = Application(
            case_no=_new_case_no(today), intake=payload["intake"], scheme=payload.get("scheme"),
            channel=channel, description=payload["description"].strip(), urgent=bool(payload.get("urgent")),
            status=wf.SUBMITTED, county_id=township.county_id, township_id=township.id, village_id=village.id,
            applicant=applicant, contact_name=name, contact_phone=checked["phone"],
            id_number_encrypted=applicants.given_id(applicant, checked["id_number"]),
            household_size=payload.get("household_size"), created_by_id=actor.id if actor else None, route=route,
            events=[], followers=[],  # empty collections, not lazy loads: the answer reads them from memory
        )
        procedure = procedures.definition(app.intake, county.settings)
        app.materials = [Material(name=n) for n in procedure.materials]
        _set_clock(app, deadlines.step_deadline(procedure, wf.SUBMITTED, procedure.limits(app.scheme), today,
                                                calendars.current(), urgent=app.urgent))
        db.session.add(app)
        if follower:
            followers.follow(app, follower, "submitted")  # before the notice, so "received" reaches it
        labels = {"hotline": "热线来电登记", "wechat": "微信公众号申请", "window": "窗口现场申请"}
        _record(app, "submit", None, actor, note=labels.get(channel), label=None if actor else "申请人")
        if app.id is None:  # the notice's subscriber flushed it already (its id orders the notices)
            db.session.flush()
        detail = (application_receipt(app, procedure) if receipt
                  else application_detail(app, actor, today=today, others=[] if new_file else None))
        if also is not None:
            also(app)
        uow.commit()
        return detail


def _refuse_duplicate(applicant: Applicant, intake: str, actor: Actor | None, openid: str | None,
                      county: County) -> None:
    if applicant.id is None:
        return
    existing = db.session.scalars(OPEN_OF_INTAKE, {"applicant_id": applicant.id, "intake": intake}).first()
    if existing:
        raise access.duplicate_refusal(existing, actor, openid, (county.settings or {}).get("hotline"))


def _check_version(app: Application, expected: int | None) -> None:
    if expected is not None and expected != app.version:
        raise StaleVersion()


def claim(actor: Actor, case_no: str, expected_version: int | None, *, today: dt.date | None = None) -> dict:
    today = today or beijing_today()
    with use_case() as uow:
        app = _get_for(actor, case_no)
        _check_version(app, expected_version)
        if actor.role not in wf.CASEWORKERS:
            raise Forbidden("只有乡镇窗口或县级审核人员可以认领")
        if app.status in wf.CLOSED_STATES:
            raise Conflict("该申请已办结，无需认领", code="invalid_transition")
        if app.assigned_to_id not in (None, actor.id):
            owner = db.session.get(StaffUser, app.assigned_to_id)
            raise Conflict(f"该申请已由 {owner.display_name} 认领", code="already_claimed")
        app.assigned_to_id = actor.id
        _record(app, "claim", app.status, actor)
        db.session.flush()
        detail = application_detail(app, actor, today=today)
        uow.commit()
        return detail


def act(actor: Actor, case_no: str, action: str, params: dict, expected_version: int | None,
        *, today: dt.date | None = None) -> dict:
    """Take one workflow step: fetch, decide (pure), apply, commit. A stale version or a concurrent change
    is a 409, never a lost update."""
    today = today or beijing_today()
    with use_case() as uow:
        app = _get_for(actor, case_no)
        _check_version(app, expected_version)
        county = db.session.get(County, app.county_id)

        def procedure_of(intake: str) -> procedures.Procedure:
            return procedures.definition(intake, county.settings)

        case = wf.case_of(app, procedure_of(app.intake))
        decision = decisions.decide(case, action, actor.role, params, today=today, now=utcnow(),
                                    procedure_of=procedure_of, calendar=calendars.current())
        # what the case's own record says of the step: materials owed, the amount against the means test
        decision = decisions.with_change(decision, approval_services.review_step(app, decision.change, params, today))
        if decision.change.intake != app.intake:  # a transfer may not make a second open application of one intake
            _refuse_duplicate(app.applicant, decision.change.intake, actor, None, county)
        if action == "start_public_notice":  # the board shows these figures, as of today, for the whole term
            decision.sets["notice_published"] = notice_board.published(app, today)
        with db.session.no_autoflush:  # one UPDATE per action, so the version moves by exactly one
            _apply(app, decision)
        _record(app, action, decision.change.from_status, actor, note=decision.note, data=decision.data)
        db.session.flush()
        detail = application_detail(app, actor, today=today)
        uow.commit()
        return detail


def _apply(app: Application, decision: decisions.Decision) -> None:
    """Lay a decision on the row: its column values, then its materials operations."""
    for name, value in decision.sets.items():
        setattr(app, name, value)
    for op, arg in decision.materials:
        if op == "request":
            _mark_requested(app, arg)
        elif op == "receive":
            for m in app.materials:
                if m.status == "requested":
                    m.status, m.received_at = "received", arg
        elif op == "checklist":
            _replace_checklist(app, arg)


def _replace_checklist(app: Application, names: list[str]) -> None:
    # Keep rows the new intake also asks for (and their received state); drop the rest.
    keep = [m for m in app.materials if m.name in names]
    have = {m.name for m in keep}
    app.materials = keep + [Material(name=n) for n in names if n not in have]


def _mark_requested(app: Application, missing: list[str]) -> None:
    by_name = {m.name: m for m in app.materials}
    for name in missing:
        if name not in by_name:
            by_name[name] = Material(name=name, required=True)
            app.materials.append(by_name[name])
        by_name[name].status = "requested"


def detail(actor: Actor, case_no: str, *, today: dt.date | None = None) -> dict:
    return application_detail(_get_for(actor, case_no), actor, today=today or beijing_today())


def reveal_id_number(actor: Actor, case_no: str, remote_addr: str | None = None) -> dict:
    """The full ID number and phone, for staff whose work needs them (checking papers, calling the
    applicant back); every reveal and every refusal is audited."""
    with use_case() as uow:
        allowed, app = actor.role in wf.CASEWORKERS, None  # the role first: a refused role learns nothing more
        try:
            app = _get_for(actor, case_no) if allowed else None
        except NotFound:
            allowed = False
        audit.record("reveal_id_number", actor.id, "application", app.case_no if app else normalise(case_no),
                     "granted" if allowed else "refused", remote_addr)
        revealed = None
        if allowed:
            revealed = {"case_no": app.case_no, "id_number": applicants.id_number_of(app),
                        "phone": app.contact_phone or app.applicant.phone}  # the call-back number given with it
        uow.commit()  # the refusal is evidence too (role, township, a guessed number): kept, then raised
    if not allowed:
        if actor.role in wf.CASEWORKERS:
            raise NotFound(access.NOT_FOUND)
        raise Forbidden("您的角色不能查看完整身份证号码")
    return revealed


def review_file_difference(actor: Actor, case_no: str, field: str, decision: str, *,
                           remote_addr: str | None = None, today: dt.date | None = None) -> dict:
    """A clerk confirms into the applicant's file what this application gave differently, or rejects it."""
    with use_case() as uow:
        app = _get_for(actor, case_no, lock=True)
        applicants.review(actor, app, field, decision, remote_addr)
        db.session.flush()
        result = application_detail(app, actor, today=today or beijing_today())
        uow.commit()
        return result


def remove_follower(actor: Actor, case_no: str, follower_id: int, *, remote_addr: str | None = None,
                    today: dt.date | None = None) -> dict:
    """Staff stop a WeChat account hearing about this application (e.g. one the applicant does not know)."""
    with use_case() as uow:
        app = _get_for(actor, case_no, lock=True)
        followers.remove(actor, app, follower_id, remote_addr)
        db.session.flush()
        result = application_detail(app, actor, today=today or beijing_today())
        uow.commit()
        return result
