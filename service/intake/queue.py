"""The window queue: urgent first, then nearest deadline, keyset-paginated so deep pages stay fast."""

import base64
import datetime as dt
import json

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import joinedload

from service.auth.actor import Actor
from service.auth.models import StaffUser
from service.clock import today as beijing_today
from service.errors import Forbidden, InvalidInput
from service.extensions import db
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.identity import normalise_phone
from service.intake.models import Applicant, Application
from service.intake.presenters import application_row


def encode_cursor(app: Application) -> str:
    raw = json.dumps([app.priority, app.queue_due.isoformat(), app.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, dt.date, int]:
    try:
        priority, due, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return int(priority), dt.date.fromisoformat(due), int(last_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(fields={"cursor": ["翻页标记无效，请从第一页重新查询"]}) from exc


def _priority_bound(statuses: list[str], urgent: bool | None):
    """The same rows, said so the index can seek: priority is 0 urgent-open, 1 open, 2 closed."""
    if set(statuses) <= set(wf.CLOSED_STATES):
        return Application.priority == 2
    if set(statuses) <= set(wf.OPEN_STATES):
        return Application.priority < 2 if urgent is None else Application.priority == (0 if urgent else 1)
    return Application.priority <= 2


def list_queue(actor: Actor, filters: dict, *, today: dt.date | None = None) -> dict:
    """filters: intake, status (list; default the open ones), urgent, overdue, mine, township_id,
    case_no, phone, limit, cursor."""
    today = today or beijing_today()
    query = select(Application).where(Application.county_id == actor.county_id)
    township_id = filters.get("township_id")
    if actor.role == "window":
        if township_id not in (None, actor.township_id):
            raise Forbidden("只能查看本乡镇的申请")
        township_id = actor.township_id
    if township_id is not None:
        query = query.where(Application.township_id == township_id)
    statuses = filters.get("status") or list(wf.OPEN_STATES)
    query = query.where(Application.status.in_(statuses))
    if filters.get("intake"):
        query = query.where(Application.intake == filters["intake"])
    if filters.get("urgent") is not None:
        query = query.where(Application.urgent.is_(bool(filters["urgent"])))
    query = query.where(_priority_bound(statuses, filters.get("urgent")))
    if filters.get("overdue"):
        query = query.where(Application.queue_due < today)
    if filters.get("mine"):
        query = query.where(Application.assigned_to_id == actor.id)
    if filters.get("case_no"):
        query = query.where(Application.case_no == normalise(filters["case_no"]))
    if filters.get("phone"):  # the phone given with the application, or the one on the applicant's file
        phone = normalise_phone(filters["phone"])
        query = query.where(or_(Application.contact_phone == phone, Application.applicant_id.in_(
            select(Applicant.id).where(Applicant.phone == phone))))
    order = (Application.priority, Application.queue_due, Application.id)
    if filters.get("cursor"):
        query = query.where(tuple_(*order) > tuple_(*decode_cursor(filters["cursor"])))
    limit = filters.get("limit") or 20
    rows = db.session.scalars(
        query.order_by(*order).limit(limit + 1)
        .options(joinedload(Application.applicant), joinedload(Application.township),
                 joinedload(Application.village))
    ).all()
    page, more = rows[:limit], len(rows) > limit
    assignee_ids = {a.assigned_to_id for a in page if a.assigned_to_id}
    names = dict(db.session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(assignee_ids))
    ).all()) if assignee_ids else {}
    return {
        "items": [application_row(a, today, names) for a in page],
        "next_cursor": encode_cursor(page[-1]) if more else None,
    }
