"""Use cases of the intake: log a call, claim, act on an application, reveal an ID. The only place that commits.

Each takes primitives and an Actor, fetches, checks, asks the workflow, commits, and returns plain dicts.
"""

import datetime as dt

from flask import current_app
from sqlalchemy import select

from service import notify
from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import deadlines
from service.intake import workflow as wf
from service.intake.case_numbers import new_case_number, normalise
from service.intake.identity import id_number_problem, normalise_id_number, normalise_phone, phone_problem
from service.intake.materials import checklist_for
from service.intake.models import Applicant, Application, ApplicationEvent, County, Material, Village, utcnow
from service.intake.presenters import application_detail
from service.intake.time_limits import INTAKES, SCHEMES, limits_for
from service.unit_of_work import use_case


def protector():
    return current_app.extensions["field_protector"]


def _limits(app: Application, county: County):
    return limits_for(app.intake, app.scheme, (county.settings or {}).get("time_limits"))


_NOT_FOUND = "没有找到该案件号的申请"


def _get_for(actor: Actor, case_no: str, *, lock: bool = False) -> Application:
    query = select(Application).where(Application.case_no == normalise(case_no))
    app = db.session.scalars(query.with_for_update() if lock else query).first()
    if app is None or not actor.sees_township(app.township_id, app.county_id):
        raise NotFound(_NOT_FOUND)  # another township's case answers exactly like a missing one
    return app


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


def _match_applicant(name: str, phone: str, id_number: str | None, village: Village) -> Applicant:
    """The same person by ID hash, else by phone and name; otherwise a new applicant."""
    applicant = None
    id_hash = protector().lookup_hash(id_number) if id_number else None
    if id_hash:
        applicant = db.session.scalars(select(Applicant).where(Applicant.id_number_hash == id_hash)).first()
    if applicant is None:
        candidates = db.session.scalars(
            select(Applicant).where(Applicant.phone == phone, Applicant.name == name).order_by(Applicant.id)
        ).all()
        # A different ID number on file means a different person sharing the phone (a relative).
        applicant = next((a for a in candidates if id_hash is None or a.id_number_hash in (None, id_hash)), None)
    if applicant is None:
        applicant = Applicant(name=name)
        db.session.add(applicant)
    applicant.phone = phone
    applicant.village = village
    if id_number and not applicant.id_number_hash:
        applicant.id_number_encrypted = protector().encrypt(id_number)
        applicant.id_number_hash = id_hash
    return applicant


def _new_case_no(today: dt.date) -> str:
    while True:
        case_no = new_case_number(today)
        if not db.session.scalar(select(Application.id).where(Application.case_no == case_no)):
            return case_no


def open_application(actor: Actor | None, payload: dict, *, channel: str, today: dt.date | None = None,
                     route: dict | None = None) -> dict:
    """A new application from a hotline call, the window or a chat: applicant matched, clock started."""
    today = today or beijing_today()
    name = (payload.get("name") or "").strip()
    checked = _validate_call(payload)
    if not name:
        raise InvalidInput(fields={"name": ["请填写申请人姓名"]})
    village = checked["village"]
    township = village.township
    if actor is not None and actor.county_id != township.county_id:
        raise Forbidden("该村不在本县范围内")
    with use_case():
        applicant = _match_applicant(name, checked["phone"], checked["id_number"], village)
        _refuse_duplicate(applicant, payload["intake"])
        app = Application(
            case_no=_new_case_no(today), intake=payload["intake"], scheme=payload.get("scheme"),
            channel=channel, description=payload["description"].strip(), urgent=bool(payload.get("urgent")),
            status=wf.SUBMITTED, county_id=township.county_id, township_id=township.id, village_id=village.id,
            applicant=applicant, household_size=payload.get("household_size"),
            created_by_id=actor.id if actor else None, route=route,
        )
        county = township.county
        app.materials = [Material(name=n) for n in checklist_for(app.intake, county.settings)]
        _set_clock(app, deadlines.step_deadline(wf.SUBMITTED, _limits(app, county), today, urgent=app.urgent))
        db.session.add(app)
        labels = {"hotline": "热线来电登记", "wechat": "微信公众号申请", "window": "窗口现场申请"}
        _record(app, "submit", None, actor, note=labels.get(channel), label=None if actor else "申请人")
        db.session.flush()
        return application_detail(app, actor, today=today)


def _refuse_duplicate(applicant: Applicant, intake: str) -> None:
    if applicant.id is None:
        return
    existing = db.session.scalars(select(Application).where(
        Application.applicant_id == applicant.id, Application.intake == intake,
        Application.status.in_(wf.OPEN_STATES),
    )).first()
    if existing:
        raise Conflict(
            f"该申请人已有一件办理中的{wf.INTAKE_LABELS[intake]}申请（案件号 {existing.case_no}），"
            "请在原申请中补充情况，不要重复登记",
            code="duplicate_open_application",
        )


def _check_version(app: Application, expected: int | None) -> None:
    if expected is not None and expected != app.version:
        raise StaleVersion()


def claim(actor: Actor, case_no: str, expected_version: int | None, *, today: dt.date | None = None) -> dict:
    today = today or beijing_today()
    with use_case():
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
        return application_detail(app, actor, today=today)


def act(actor: Actor, case_no: str, action: str, params: dict, expected_version: int | None,
        *, today: dt.date | None = None) -> dict:
    """Take one workflow step; a stale version or a concurrent change is a 409, never a lost update."""
    today = today or beijing_today()
    with use_case():
        app = _get_for(actor, case_no)
        _check_version(app, expected_version)
        county = db.session.get(County, app.county_id)
        limits = _limits(app, county)
        case = wf.Case(app.intake, app.status, app.urgent, app.emergency_aid_amount is not None, app.resume_status)
        change = wf.decide(case, action, actor.role, params, today=today,
                           township_limit=limits.township_approval_limit)
        with db.session.no_autoflush:  # one UPDATE per action, so the version moves by exactly one
            _apply(app, change, county, today)
        note = change.data.get("reason") or change.data.get("note")
        if action == "transfer":  # every re-route, from the API or the page, is measured against the classifier
            note = note or wf.reroute_note(case.intake, change.intake, app.route)
        _record(app, action, change.from_status, actor, note=note, data=_jsonable(change.data))
        db.session.flush()
        return application_detail(app, actor, today=today)


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
    with use_case():
        allowed, app = actor.role in wf.CASEWORKERS, None  # the role first: a refused role learns nothing more
        try:
            app = _get_for(actor, case_no) if allowed else None
        except NotFound:
            allowed = False
        audit.record("reveal_id_number", actor.id, "application", app.case_no if app else normalise(case_no),
                     "granted" if allowed else "refused", remote_addr)
        if not allowed:
            db.session.commit()  # the refusal is evidence too (role, township, a guessed number); keep it
            if actor.role in wf.CASEWORKERS:
                raise NotFound(_NOT_FOUND)
            raise Forbidden("您的角色不能查看完整身份证号码")
        encrypted = app.applicant.id_number_encrypted
        return {"case_no": app.case_no, "id_number": protector().decrypt(encrypted) if encrypted else None,
                "phone": app.applicant.phone}
