"""What the queue page needs beyond service.intake.queue.list_queue: tab counts and the search by name.

Read-only queries, scoped exactly like list_queue (county; a window clerk's own township).
"""

import datetime as dt
import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.errors import Forbidden
from service.extensions import db
from service.intake import procedures
from service.intake import workflow as wf
from service.intake.case_numbers import is_well_formed, normalise
from service.intake.identity import normalise_phone, phone_problem
from service.intake.models import Applicant, Application
from service.intake.presenters import application_row

# (key, label, statuses); the first is the default view: everything still open, urgent first
TABS = [
    ("open", "全部在办", list(wf.OPEN_STATES)),
    ("submitted", "待受理", [wf.SUBMITTED]),
    ("working", "办理中", [wf.ACCEPTED, wf.INVESTIGATING]),
    ("awaiting", "待补正", [wf.AWAITING]),
    ("notice", "公示中", [wf.NOTICE]),
    ("county", "待县审核", [wf.COUNTY]),
    ("closed", "已办结", list(wf.CLOSED_STATES)),
]
TAB_STATUSES = {key: statuses for key, _label, statuses in TABS}
NAME_LIMIT = 50


def scoped_township(actor: Actor, township_id: int | None) -> int | None:
    if actor.role == "window":
        if township_id not in (None, actor.township_id):
            raise Forbidden("只能查看本乡镇的申请")
        return actor.township_id
    return township_id


def classify_search(text: str) -> tuple[str, str] | None:
    """('case_no' | 'phone' | 'name', value) from what a clerk typed in the one search box."""
    text = (text or "").strip()
    if not text:
        return None
    digits = normalise(text)
    if re.fullmatch(r"[\d\s-]+", text) or text.startswith("+86"):
        if is_well_formed(digits):
            return "case_no", digits
        if phone_problem(text) is None:
            return "phone", normalise_phone(text)
        return "case_no", digits  # a mistyped number finds nothing, which is the honest answer
    return "name", text[:40]


def _base(actor: Actor, filters: dict, today: dt.date):
    query = select(Application).where(Application.county_id == actor.county_id)
    township_id = scoped_township(actor, filters.get("township_id"))
    if township_id is not None:
        query = query.where(Application.township_id == township_id)
    if filters.get("intake"):
        query = query.where(Application.intake == filters["intake"])
    if filters.get("urgent"):
        query = query.where(Application.urgent.is_(True))
    if filters.get("overdue"):
        query = query.where(Application.queue_due < today)
    if filters.get("mine"):
        query = query.where(Application.assigned_to_id == actor.id)
    return query


def tab_counts(actor: Actor, filters: dict, today: dt.date) -> dict[str, int]:
    sub = _base(actor, filters, today).with_only_columns(Application.status).subquery()
    per_status = dict(db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all())
    return {key: sum(per_status.get(s, 0) for s in statuses) for key, statuses in TAB_STATUSES.items()}


def search_by_name(actor: Actor, name: str, filters: dict, today: dt.date) -> list[dict]:
    """Applications whose name as given, or their applicant's name on file, contains `name`; queue order."""
    pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    applicants = select(Applicant.id).where(Applicant.name.like(pattern, escape="\\"))
    query = (
        _base(actor, filters, today).where(or_(Application.contact_name.like(pattern, escape="\\"),
                                               Application.applicant_id.in_(applicants)))
        .order_by(Application.priority, Application.queue_due, Application.id).limit(NAME_LIMIT)
        .options(joinedload(Application.applicant), joinedload(Application.township),
                 joinedload(Application.village))
    )
    rows = db.session.scalars(query).all()
    ids = {a.assigned_to_id for a in rows if a.assigned_to_id}
    names = dict(db.session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(ids))).all()) if ids else {}
    return [application_row(a, today, names) for a in rows]


def callers_by_phone(actor: Actor, phone: str) -> dict:
    """For the call form, as the caller gives a phone: whose file has it and the open applications given
    with it or on such a file — told as service.intake.access allows (an operator or a clerk of another
    township learns only that an open application exists, and of which intake)."""
    from service.intake import access
    from service.intake.identity import mask_name

    files = db.session.scalars(select(Applicant).where(Applicant.phone == phone).order_by(Applicant.id)).all()
    shown_files = [a for a in files if a.village and a.village.township.county_id == actor.county_id
                   and access.sees_file(actor, a, actor.county_id)]
    apps = db.session.scalars(select(Application).where(
        Application.county_id == actor.county_id, Application.status.in_(wf.OPEN_STATES),
        or_(Application.contact_phone == phone, Application.applicant_id.in_([a.id for a in files])))
        .order_by(Application.id)).all()
    told = [a for a in apps if access.discloses(a, actor)]
    elsewhere = "（其他乡镇）" if actor.role == access.WINDOW else ""
    return {
        "applicants": [{"name": mask_name(a.name), "village_id": a.village_id,
                        "village": f"{a.village.township.name}{a.village.name}"} for a in shown_files],
        "applications": [{"case_no": a.case_no, "intake": procedures.LABELS[a.intake],
                          "status": wf.STATUS_LABELS[a.status], "applicant": mask_name(a.contact_name or ""),
                          "urgent": a.urgent} for a in told],
        "withheld": [{"intake": procedures.LABELS[a.intake], "label": "已有在办申请" + elsewhere}
                     for a in apps if a not in told],
    }
