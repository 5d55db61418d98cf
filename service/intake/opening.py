"""Opening an application: a hotline call, the window or a chat submit, one use case.

The applicant is matched (their file left as it is), a second open application of the same intake for the
same person is refused, the case number is drawn, the clock started and the submit recorded and published,
all in one unit of work.
"""

import datetime as dt
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from service.auth.actor import Actor
from service.clock import today as beijing_today
from service.errors import Conflict, Forbidden, InvalidInput
from service.extensions import db
from service.intake import access, applicants, calendars, deadlines, followers, history, procedures
from service.intake import workflow as wf
from service.intake.case_numbers import new_case_number
from service.intake.identity import id_number_problem, normalise_id_number, normalise_phone, phone_problem
from service.intake.models import Applicant, Application, County, Material, Township, Village
from service.intake.presenters import application_detail, application_receipt
from service.unit_of_work import use_case

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
        refuse_duplicate(applicant, payload["intake"], actor, follower, county)
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
        history.set_clock(app, deadlines.step_deadline(procedure, wf.SUBMITTED, procedure.limits(app.scheme), today,
                                                calendars.current(), urgent=app.urgent))
        db.session.add(app)
        if follower:
            followers.follow(app, follower, "submitted")  # before the notice, so "received" reaches it
        labels = {"hotline": "热线来电登记", "wechat": "微信公众号申请", "window": "窗口现场申请"}
        history.record(app, "submit", None, actor, note=labels.get(channel), label=None if actor else "申请人")
        if app.id is None:  # the notice's subscriber flushed it already (its id orders the notices)
            db.session.flush()
        detail = (application_receipt(app, procedure) if receipt
                  else application_detail(app, actor, today=today, others=[] if new_file else None))
        if also is not None:
            also(app)
        uow.commit()
        return detail


def refuse_duplicate(applicant: Applicant, intake: str, actor: Actor | None, openid: str | None,
                      county: County) -> None:
    if applicant.id is None:
        return
    existing = db.session.scalars(OPEN_OF_INTAKE, {"applicant_id": applicant.id, "intake": intake}).first()
    if existing:
        raise access.duplicate_refusal(existing, actor, openid, (county.settings or {}).get("hotline"))
