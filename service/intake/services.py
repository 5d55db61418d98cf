"""Use cases of casework on an application: claim, act, reveal an ID, review a difference from the
applicant's file, remove a follower (opening one is service.intake.opening). Each commits through its
unit of work.

Each takes primitives and an Actor, fetches, checks, asks the pure domain (the workflow and the intake's
procedure definition) what it does, applies that, commits, and returns plain dicts. Every recorded action
is published (events.ActionRecorded) inside the use case's transaction; intake does not know who listens
(the notices subscribe at the root).
"""

import datetime as dt

from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.clock import utcnow
from service.errors import Conflict, Forbidden, NotFound, StaleVersion
from service.extensions import db
from service.intake import (
    access,
    applicants,
    approval_services,
    calendars,
    decisions,
    followers,
    history,
    notice_board,
    opening,
    procedures,
)
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.models import (
    Application,
    County,
    Material,
)
from service.intake.presenters import application_detail
from service.unit_of_work import use_case

_get_for = access.get_for


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
        history.record(app, "claim", app.status, actor)
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
            opening.refuse_duplicate(app.applicant, decision.change.intake, actor, None, county)
        if action == "start_public_notice":  # the board shows these figures, as of today, for the whole term
            decision.sets["notice_published"] = notice_board.published(app, today)
        with db.session.no_autoflush:  # one UPDATE per action, so the version moves by exactly one
            _apply(app, decision)
        history.record(app, action, decision.change.from_status, actor, note=decision.note, data=decision.data)
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
