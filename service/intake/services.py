"""Use cases of the intake: log a call, claim, act on an application, reveal an ID, review a difference from
the applicant's file, remove a follower. Each commits through its unit of work.

Each takes primitives and an Actor, fetches, checks, asks the workflow, commits, and returns plain dicts.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service import notify
from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import access, applicants, approval_services, deadlines, followers
from service.intake import workflow as wf
from service.intake.case_numbers import new_case_number, normalise
from service.intake.identity import id_number_problem, normalise_id_number, normalise_phone, phone_problem
from service.intake.materials import checklist_for
from service.intake.models import Applicant, Application, ApplicationEvent, County, Material, Village
from service.intake.presenters import application_detail
from service.intake.time_limits import INTAKES, SCHEMES, limits_for
from service.unit_of_work import use_case


def _limits(app: Application, county: County):
    return limits_for(app.intake, app.scheme, (county.settings or {}).get("time_limits"))


_get_for = access.get_for


def _record(app, action, from_status, actor: Actor | None, note=None, data=None, label=None):
    app.events.append(ApplicationEvent(
        action=action, from_status=from_status, to_status=app.status, actor_id=actor.id if actor else None,
        actor_label=label or (actor.label if actor else "系统"), note=note, data=data or {},
    ))
    notify.enqueue_for_event(app, action)  # the applicant's notice, in this same transaction


def _set_clock(app: Application, step_deadline: dt.date | None) -> None:
    app.step_deadline = step_deadline
    app.queue_due = step_deadline or deadlines.NO_DEADLINE
    open_ = app.status in wf.OPEN_STATES
    app.priority = (0 if app.urgent else 1) if open_ else 2


def _validate_call(payload: dict) -> dict:
    errors: dict[str, list[str]] = {}
    problem = phone_problem(payload.get("phone", ""))
    if problem:
        errors["phone"] = [problem]
    id_number = payload.get("id_number")
    if id_number and (problem := id_number_problem(id_number)):
        errors["id_number"] = [problem]
    if payload.get("intake") not in INTAKES:
        errors["intake"] = ["请选择救助类别：临时救助、低保（含特困）、儿童福利"]
    elif payload.get("scheme") and payload["scheme"] not in SCHEMES[payload["intake"]]:
        errors["scheme"] = ["该救助类别下没有这个细类"]
    village = db.session.get(Village, payload.get("village_id") or 0)
    if village is None:
        errors["village_id"] = ["请选择申请人户籍所在的村（社区）"]
    if errors:
        raise InvalidInput(fields=errors)
    return {"village": village, "phone": normalise_phone(payload["phone"]),
            "id_number": normalise_id_number(id_number) if id_number else None}


def _new_case_no(today: dt.date) -> str:
    while True:
        case_no = new_case_number(today)
        if not db.session.scalar(select(Application.id).where(Application.case_no == case_no)):
            return case_no


def open_application(actor: Actor | None, payload: dict, *, channel: str, today: dt.date | None = None,
                     route: dict | None = None, follower: str | None = None) -> dict:
    """A new application from a hotline call, the window or a chat (`follower`: the WeChat account that
    submitted it, which then follows it): applicant matched, their file left as it is, clock started.
    Two at once for one person and intake: one opens, the other gets the duplicate refusal."""
    today = today or beijing_today()
    name = (payload.get("name") or "").strip()
    checked = _validate_call(payload)
    if not name:
        raise InvalidInput(fields={"name": ["请填写申请人姓名"]})
    township = checked["village"].township
    if actor is not None and actor.county_id != township.county_id:
        raise Forbidden("该村不在本县范围内")
    for _attempt in range(2):
        try:
            return _open(actor, payload, name, checked, channel, today, route, follower)
        except IntegrityError:
            # a call racing this one committed the same new ID number, or an open application of this
            # intake, first (the database's unique keys): looking again finds it and refuses as for any
            continue
    raise Conflict(RACED, code="duplicate_open_application")


RACED = "刚刚已有人为该申请人登记了同类申请，请不要重复登记；稍后可在队列中查到"


def _open(actor, payload, name, checked, channel, today, route, follower) -> dict:
    village = checked["village"]
    township = village.township
    county = township.county
    with use_case() as uow:
        applicant = applicants.match(name, checked["phone"], checked["id_number"], village)
        _refuse_duplicate(applicant, payload["intake"], actor, follower, county)
        app = Application(
            case_no=_new_case_no(today), intake=payload["intake"], scheme=payload.get("scheme"),
            channel=channel, description=payload["description"].strip(), urgent=bool(payload.get("urgent")),
            status=wf.SUBMITTED, county_id=township.county_id, township_id=township.id, village_id=village.id,
            applicant=applicant, contact_name=name, contact_phone=checked["phone"],
            id_number_encrypted=applicants.given_id(applicant, checked["id_number"]),
            household_size=payload.get("household_size"), created_by_id=actor.id if actor else None, route=route,
        )
        app.materials = [Material(name=n) for n in checklist_for(app.intake, county.settings)]
        _set_clock(app, deadlines.step_deadline(wf.SUBMITTED, _limits(app, county), today, urgent=app.urgent))
        db.session.add(app)
        if follower:
            followers.follow(app, follower, "submitted")  # before the notice, so "received" reaches it
        labels = {"hotline": "热线来电登记", "wechat": "微信公众号申请", "window": "窗口现场申请"}
        _record(app, "submit", None, actor, note=labels.get(channel), label=None if actor else "申请人")
        db.session.flush()
        detail = application_detail(app, actor, today=today)
        uow.commit()
        return detail


def _refuse_duplicate(applicant: Applicant, intake: str, actor: Actor | None, openid: str | None,
                      county: County) -> None:
    if applicant.id is None:
        return
    existing = db.session.scalars(select(Application).where(
        Application.applicant_id == applicant.id, Application.intake == intake,
        Application.status.in_(wf.OPEN_STATES),
    )).first()
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
    """Take one workflow step; a stale version or a concurrent change is a 409, never a lost update."""
    today = today or beijing_today()
    with use_case() as uow:
        app = _get_for(actor, case_no)
        _check_version(app, expected_version)
        county = db.session.get(County, app.county_id)
        limits = _limits(app, county)
        case = wf.Case(app.intake, app.status, app.urgent, app.emergency_aid_amount is not None, app.resume_status)
        change = wf.decide(case, action, actor.role, params, today=today,
                           township_limit=limits.township_approval_limit)
        change = approval_services.review_step(app, change, params, today)  # materials owed, amount vs means test
        if change.intake != app.intake:  # a transfer may not make a second open application of one intake
            _refuse_duplicate(app.applicant, change.intake, actor, None, county)
        with db.session.no_autoflush:  # one UPDATE per action, so the version moves by exactly one
            _apply(app, change, county, today)
        note = change.data.get("reason") or change.data.get("note")
        if action == "transfer":  # every re-route, from the API or the page, is measured against the classifier
            note = note or wf.reroute_note(case.intake, change.intake, app.route)
        _record(app, action, change.from_status, actor, note=note, data=_jsonable(change.data))
        db.session.flush()
        detail = application_detail(app, actor, today=today)
        uow.commit()
        return detail


def _apply(app: Application, change: wf.Change, county: County, today: dt.date) -> None:
    data = change.data
    if change.clock == "pause":
        app.paused_step_remaining = deadlines.remaining_workdays(app.step_deadline, today)
        app.paused_final_remaining = deadlines.remaining_workdays(app.final_deadline, today)
        app.resume_status = change.from_status
        app.final_deadline = None
        _mark_requested(app, data["missing"])
    if change.action == "receive_materials":
        for m in app.materials:
            if m.status == "requested":
                m.status, m.received_at = "received", utcnow()
    app.status, app.intake = change.to_status, change.intake
    if change.action == "transfer":
        app.scheme, app.resume_status = None, None
        _replace_checklist(app, checklist_for(app.intake, county.settings))
    limits = _limits(app, county)
    if change.clock == "restart":
        _set_clock(app, deadlines.step_deadline(app.status, limits, today, urgent=app.urgent))
    elif change.clock == "resume":
        _set_clock(app, deadlines.resume(app.paused_step_remaining, today))
        app.final_deadline = deadlines.resume(app.paused_final_remaining, today)
    elif change.clock in ("pause", "stop"):
        _set_clock(app, None)
    if change.clock == "resume" or change.action == "receive_materials":
        app.paused_step_remaining = app.paused_final_remaining = app.resume_status = None
    if app.status == wf.ACCEPTED and app.accepted_on is None:
        app.accepted_on = today
        app.final_deadline = deadlines.resume(limits.total_days, today)
    if change.action == "approve":
        app.approved_amount, app.first_month = data["amount"], data["first_month"]
    if change.action == "emergency_aid":
        app.emergency_aid_amount = data["amount"]
    if change.action == "reject":
        app.decision_reason = data["reason"]
    if change.action == "refer":
        app.referred_to = data["department"] + (f"（{data['contact']}）" if data.get("contact") else "")
    if change.to_status in (wf.APPROVED, wf.REJECTED):
        app.decided_on = today


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


def _jsonable(data: dict) -> dict:
    return {k: (str(v) if not isinstance(v, str | int | list | bool | type(None)) else v) for k, v in data.items()}


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
