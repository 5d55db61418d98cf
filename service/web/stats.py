"""County dashboard figures: read-only aggregates over applications and their history, for one month.

Months are Beijing calendar months; created_at is stored in UTC, so the bounds are shifted by eight hours.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from service import clock
from service.errors import InvalidInput
from service.extensions import db
from service.intake import calendars, procedures
from service.intake import workflow as wf
from service.intake.household import Household, HouseholdMember
from service.intake.models import Application, ApplicationEvent, Township

STATUS_GROUPS = [  # (label, statuses): the columns of the intake × township × status table
    ("待受理", (wf.SUBMITTED,)), ("办理中", (wf.ACCEPTED, wf.INVESTIGATING)), ("待补正", (wf.AWAITING,)),
    ("公示中", (wf.NOTICE,)), ("待县审核", (wf.COUNTY,)), ("已批准", (wf.APPROVED,)),
    ("不予批准", (wf.REJECTED,)), ("转办/撤回", (wf.REFERRED, wf.WITHDRAWN)),
]
INTAKES = tuple(procedures.LABELS)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    first: dt.date   # first day (Beijing)
    after: dt.date   # first day of the next month

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"

    @property
    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return clock.beijing_midnight_utc(self.first), clock.beijing_midnight_utc(self.after)

    def step(self, months: int) -> "Month":
        index = self.first.year * 12 + self.first.month - 1 + months
        return month_of(f"{index // 12:04d}-{index % 12 + 1:02d}")


def month_of(text: str | None, today: dt.date | None = None) -> Month:
    if not text:
        today = today or clock.today()  # the bureau's month, not the server's
        text = f"{today:%Y-%m}"
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise InvalidInput(fields={"month": ["月份格式应为 2026-03"]})
    year, month = int(match.group(1)), int(match.group(2))
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return Month(first, after)


def _scope(query, county_id: int, township_id: int | None):
    query = query.where(Application.county_id == county_id)
    return query.where(Application.township_id == township_id) if township_id else query


def townships(county_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(Township.id, Township.name).where(Township.county_id == county_id).order_by(Township.id)).all()


def status_matrix(county_id: int, month: Month, township_id: int | None = None) -> list[dict]:
    """Applications received in the month, by intake and township, counted per current status group."""
    start, end = month.utc_bounds
    rows = db.session.execute(_scope(
        select(Application.intake, Application.township_id, Application.status, func.count())
        .where(Application.created_at >= start, Application.created_at < end)
        .group_by(Application.intake, Application.township_id, Application.status), county_id, township_id)).all()
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for intake, t_id, status, n in rows:
        counts.setdefault((intake, t_id), {})[status] = n
    result = []
    for t_id, t_name in townships(county_id):
        if township_id and t_id != township_id:
            continue
        for intake in INTAKES:
            per = counts.get((intake, t_id), {})
            cells = [sum(per.get(s, 0) for s in statuses) for _label, statuses in STATUS_GROUPS]
            result.append({"township": t_name, "intake": intake, "cells": cells, "total": sum(cells)})
    return result


def overdue_now(county_id: int, today: dt.date, township_id: int | None = None) -> list[dict]:
    """Open applications past their step deadline today (补正 pauses the clock, so it never counts)."""
    rows = dict(((t, i), n) for t, i, n in db.session.execute(_scope(
        select(Application.township_id, Application.intake, func.count())
        .where(Application.status.in_(wf.OPEN_STATES), Application.status != wf.AWAITING,
               Application.step_deadline < today)
        .group_by(Application.township_id, Application.intake), county_id, township_id)).all())
    return [
        {"township": name, "by_intake": [rows.get((t_id, i), 0) for i in INTAKES],
         "total": sum(rows.get((t_id, i), 0) for i in INTAKES)}
        for t_id, name in townships(county_id) if not township_id or t_id == township_id
    ]


def decisions(county_id: int, month: Month, township_id: int | None = None) -> list[Application]:
    return db.session.scalars(_scope(
        select(Application).where(Application.decided_on >= month.first, Application.decided_on < month.after,
                                  Application.status.in_((wf.APPROVED, wf.REJECTED))), county_id, township_id)
    ).all()


def days_to_decision(app: Application) -> int:
    """Working days from 受理 (or, never accepted, from the day it came in) to the decision."""
    started = app.accepted_on or clock.to_beijing(app.created_at).date()
    return max(calendars.current().workdays_between(started, app.decided_on), 0)


def average_days(county_id: int, month: Month, township_id: int | None = None) -> list[dict]:
    by_intake: dict[str, list[int]] = {i: [] for i in INTAKES}
    for app in decisions(county_id, month, township_id):
        by_intake[app.intake].append(days_to_decision(app))
    return [{"intake": i, "decided": len(v), "average": round(sum(v) / len(v), 1) if v else None}
            for i, v in by_intake.items()]


def emergency_aid_events(county_id: int, month: Month, township_id: int | None = None) -> list[tuple]:
    """(application, amount) for every 先行救助 paid in the month."""
    start, end = month.utc_bounds
    rows = db.session.execute(_scope(
        select(Application, ApplicationEvent.data).join(ApplicationEvent)
        .where(ApplicationEvent.action == "emergency_aid", ApplicationEvent.created_at >= start,
               ApplicationEvent.created_at < end), county_id, township_id)).all()
    return [(app, Decimal(str((data or {}).get("amount") or app.emergency_aid_amount or 0))) for app, data in rows]


def emergency_aid_by_township(county_id: int, month: Month, township_id: int | None = None) -> list[dict]:
    totals: dict[int, list] = {}
    for app, amount in emergency_aid_events(county_id, month, township_id):
        entry = totals.setdefault(app.township_id, [0, Decimal("0")])
        entry[0] += 1
        entry[1] += amount
    return [{"township": name, "count": totals.get(t_id, [0, 0])[0], "amount": totals.get(t_id, [0, Decimal(0)])[1]}
            for t_id, name in townships(county_id) if not township_id or t_id == township_id]


def route_agreement(county_id: int, month: Month, township_id: int | None = None) -> dict:
    """How often the classifier's suggestion is the intake the application ended up in (after re-routes)."""
    start, end = month.utc_bounds
    rows = db.session.execute(_scope(
        select(Application.intake, Application.route)
        .where(Application.created_at >= start, Application.created_at < end, Application.route.is_not(None)),
        county_id, township_id)).all()
    judged = [(intake, route) for intake, route in rows if isinstance(route, dict) and route.get("category")]
    agreed = sum(1 for intake, route in judged if route["category"] == intake)
    return {"judged": len(judged), "agreed": agreed,
            "rate": round(100 * agreed / len(judged)) if judged else None}


def decision_facts(apps: list[Application]) -> dict[int, tuple[Decimal, int | None]]:
    """Per approved application: the amount its approve decision recorded (the column when an old decision
    lacks it) and the people it covers — 1 for 单人户施保, else the household's counted members (None when
    no household was recorded, so the caller falls back on the size reported with the application)."""
    ids = [a.id for a in apps]
    if not ids:
        return {}
    decided = dict(db.session.execute(select(ApplicationEvent.application_id, ApplicationEvent.data).where(
        ApplicationEvent.application_id.in_(ids), ApplicationEvent.action == "approve")
        .order_by(ApplicationEvent.id)).all())  # the last approve per application wins
    counted = dict(db.session.execute(
        select(Household.application_id, func.count(HouseholdMember.id)).join(HouseholdMember)
        .where(Household.application_id.in_(ids), HouseholdMember.excluded_reason.is_(None))
        .group_by(Household.application_id)).all())
    facts = {}
    for app in apps:
        data = decided.get(app.id) or {}
        amount = Decimal(str(data.get("amount") or app.approved_amount or 0))
        people = 1 if str(data.get("amount_basis") or "").startswith("single:") else counted.get(app.id)
        facts[app.id] = (amount, people)
    return facts

