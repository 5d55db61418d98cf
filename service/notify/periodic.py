"""Notices on a clock rather than on a change: apologise for overdue steps, and send window staff their
township's digest each working morning. Both are idempotent (dedupe_key), so any number of workers may
run them; `overdue_apologies_job` and `staff_digests_job` are what the root registers for the worker's
scan (jobs.py)."""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import String, cast, literal, select
from sqlalchemy.exc import IntegrityError

from service.auth.models import StaffUser
from service.errors import InvalidInput, NotFound
from service.extensions import db
from service.intake import calendars
from service.intake import workflow as wf
from service.intake.identity import normalise_phone, phone_problem
from service.intake.models import Application, County, Township
from service.notify import wording
from service.notify.context import base_context
from service.notify.models import SMS, Notification, StaffNotifyTarget
from service.notify.services import _settings, enqueue_application_notice
from service.unit_of_work import use_case

log = logging.getLogger(__name__)
CASES_LISTED = 5


def enqueue_once(by_key: dict, enqueue, what: str, *, limit: int | None = None) -> int:
    """Write the notices whose dedupe keys are not in the outbox yet, all in one transaction; a worker
    racing us on the same keys makes this one give way (the unique key), and the next scan catches up.
    `enqueue(key, item)` returns False when, on a closer look, there is nothing to send."""
    if not by_key:
        return 0
    done = set(db.session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(by_key))))
    todo = [(key, item) for key, item in by_key.items() if key not in done][:limit]
    try:
        with use_case() as uow:
            written = sum(enqueue(key, item) is not False for key, item in todo)
            uow.commit()
    except IntegrityError:
        log.info("%s written concurrently by another worker; the next scan catches up", what)
        return 0
    if written:
        log.info("%s enqueued: %d", what, written)
    return written


def overdue_key(app: Application) -> str:
    return f"overdue:{app.id}:{app.status}:{app.step_deadline.isoformat()}"


def _overdue_key_sql():
    """overdue_key in SQL, so steps already apologised for drop out before the limit, not after it."""
    return (literal("overdue:") + cast(Application.id, String) + ":" + Application.status + ":"
            + cast(Application.step_deadline, String))


def enqueue_overdue_apologies(today: dt.date, *, limit: int = 500) -> int:
    """One apology per application step whose deadline has passed; returns how many were written."""
    apologised = select(Notification.id).where(Notification.dedupe_key == _overdue_key_sql())
    candidates = db.session.scalars(
        select(Application).where(Application.status.in_(wf.OPEN_STATES), Application.step_deadline < today,
                                  ~apologised.exists())
        .order_by(Application.step_deadline, Application.id).limit(limit)
    ).all()
    return enqueue_once({overdue_key(a): a for a in candidates},
                        lambda key, app: enqueue_application_notice(app, "overdue_apology", dedupe_key=key),
                        "overdue apologies", limit=limit)


def overdue_apologies_job(_now: dt.datetime, local: dt.datetime) -> int:
    return enqueue_overdue_apologies(local.date())


def staff_digests_job(_now: dt.datetime, local: dt.datetime) -> int:
    """The digests go out once the Beijing morning reaches NOTIFY_DIGEST_HOUR."""
    if local.hour < int(current_app.config["NOTIFY_DIGEST_HOUR"]):
        return 0
    return enqueue_staff_digests(local.date())


def digest_key(staff_id: int, today: dt.date) -> str:
    return f"digest:{staff_id}:{today.isoformat()}"


def township_agenda(township_id: int, today: dt.date) -> dict:
    """Open applications of a township due today, overdue, and urgent but not yet touched."""
    rows = db.session.execute(
        select(Application.case_no, Application.step_deadline, Application.urgent, Application.status,
               Application.assigned_to_id)
        .where(Application.township_id == township_id, Application.status.in_(wf.OPEN_STATES))
        .order_by(Application.step_deadline, Application.id)
    ).all()
    due_today = [r.case_no for r in rows if r.step_deadline == today]
    overdue = [r.case_no for r in rows if r.step_deadline is not None and r.step_deadline < today]
    untouched = [r.case_no for r in rows
                 if r.urgent and r.status == wf.SUBMITTED and r.assigned_to_id is None]
    return {"due_today": due_today, "overdue": overdue, "urgent": untouched}


def _cases_line(agenda: dict) -> str:
    parts = []
    for label, key in (("紧急", "urgent"), ("超期", "overdue"), ("今天到期", "due_today")):
        cases = agenda[key]
        if cases:
            more = f"等{len(cases)}件" if len(cases) > CASES_LISTED else ""
            parts.append(f"{label}：{'、'.join(cases[:CASES_LISTED])}{more}")
    return "；".join(parts) + "。" if parts else ""


def enqueue_staff_digests(today: dt.date) -> int:
    """The morning digest for each window clerk with a notification phone, once per working day."""
    if not calendars.current().is_workday(today):
        return 0
    targets = db.session.execute(
        select(StaffUser, StaffNotifyTarget.phone)
        .join(StaffNotifyTarget, StaffNotifyTarget.staff_id == StaffUser.id)
        .where(StaffUser.active.is_(True), StaffUser.role == "window", StaffUser.township_id.is_not(None),
               StaffNotifyTarget.daily_digest.is_(True))
    ).all()
    agendas: dict[int, dict] = {}  # clerks of one township share its agenda

    def digest(_key, target) -> bool:
        user, phone = target
        if user.township_id not in agendas:
            agendas[user.township_id] = township_agenda(user.township_id, today)
        if not any(agendas[user.township_id].values()):
            return False  # nothing due, overdue or urgent: no message
        db.session.add(_digest_row(user, phone, agendas[user.township_id], today))
        return True

    return enqueue_once({digest_key(u.id, today): (u, p) for u, p in targets}, digest, "staff digests")


def _digest_row(user: StaffUser, phone: str, agenda: dict, today: dt.date) -> Notification:
    township = db.session.get(Township, user.township_id)
    county = db.session.get(County, user.county_id)
    settings = _settings(county)
    context = {**base_context(county), "name": user.display_name, "township": township.name,
               "due_today": len(agenda["due_today"]), "overdue": len(agenda["overdue"]),
               "urgent": len(agenda["urgent"]), "cases": _cases_line(agenda)}
    message = wording.compose("staff_digest", context, settings)
    return Notification(
        kind="staff_digest", ordering_key=f"s{user.id}", county_id=user.county_id, township_id=user.township_id,
        staff_id=user.id, channel=SMS, to_phone=phone, text=message.text, dedupe_key=digest_key(user.id, today),
        sms_sign=wording.sms_sign(settings, context),
    )


def set_staff_target(username: str, phone: str | None, *, daily_digest: bool = True) -> dict:
    """Where a staff member gets the morning digest (None removes it); for the CLI and admins."""
    with use_case() as uow:
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
        if user is None:
            raise NotFound(f"没有用户 {username}")
        target = db.session.get(StaffNotifyTarget, user.id)
        if phone is None:
            if target is not None:
                db.session.delete(target)
            uow.commit()
            return {"username": username, "phone": None}
        if problem := phone_problem(phone):
            raise InvalidInput(fields={"phone": [problem]})
        if target is None:
            target = StaffNotifyTarget(staff_id=user.id, phone=normalise_phone(phone))
            db.session.add(target)
        target.phone, target.daily_digest = normalise_phone(phone), daily_digest
        result = {"username": username, "phone": target.phone, "daily_digest": daily_digest}
        uow.commit()
        return result
