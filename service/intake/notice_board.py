"""The 公示 list for a village's (or a township's) noticeboard: the cases in 公示 now, with only what may be
published — the name, the household size and the proposed amount (DOMAIN.md), as they were when the 公示
started. Child welfare is never
published (no 公示, to protect the child). Read-only; window staff see their own township, county staff
the county's, and a place outside that scope answers as a missing one."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from service.auth.actor import Actor
from service.clock import to_beijing
from service.clock import today as beijing_today
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake import approval
from service.intake import workflow as wf
from service.intake.household_services import household_of
from service.intake.means_test_services import means_test_of
from service.intake.models import Application, ApplicationEvent, Township, Village

PUBLISHED = ("dibao", "temporary_relief")  # never child_welfare
NOTICE_ROLES = wf.CASEWORKERS
NOT_FOUND = "没有找到该乡镇或村（社区）"


def _place(actor: Actor, township_id: int | None, village_id: int | None) -> tuple[Township, Village | None]:
    village = db.session.get(Village, village_id) if village_id else None
    if village_id and village is None:
        raise NotFound(NOT_FOUND)
    township = village.township if village else db.session.get(Township, township_id or actor.township_id or 0)
    if township is None:
        if township_id or village_id:
            raise NotFound(NOT_FOUND)
        raise InvalidInput(fields={"township_id": ["请选择乡镇"]})
    if not actor.sees_township(township.id, township.county_id) or (township_id and township.id != township_id):
        raise NotFound(NOT_FOUND)  # another township's board is not the caller's to know of
    return township, village


def _size(app: Application) -> int | None:
    household = household_of(app)
    if household is not None:
        return sum(1 for m in household.members if not m.excluded_reason)
    return app.household_size


def _proposed(app: Application, today: dt.date) -> int | None:
    try:
        offered = approval.proposal(app.intake, means_test_of(app, today))
    except Conflict:  # not computed yet (no household or investigation): nothing to publish as an amount
        return None
    return offered["amount"] if offered else None


def published(app: Application, today: dt.date) -> dict:
    """What the 公示 publishes of a case, taken when it starts and kept for its whole term: a figure that moved
    with the standards or the household during the 7 days would not be what the village was shown."""
    return {"name": app.contact_name or app.applicant.name, "household_size": _size(app),
            "proposed_amount": _proposed(app, today)}


def _shown(app: Application, today: dt.date) -> dict:
    """The frozen figures; for a case whose 公示 started before they were kept, today's, marked as such."""
    if app.notice_published is not None:
        return {**app.notice_published, "frozen": True}
    return {**published(app, today), "frozen": False}


def _started(app_ids: list[int]) -> dict[int, dt.datetime]:
    rows = db.session.execute(select(ApplicationEvent.application_id, ApplicationEvent.created_at).where(
        ApplicationEvent.application_id.in_(app_ids), ApplicationEvent.to_status == wf.NOTICE,
        ApplicationEvent.from_status != wf.NOTICE).order_by(ApplicationEvent.id)).all()
    return {app_id: at for app_id, at in rows}  # the latest start (a new 公示 after an objection)


def notice_list(actor: Actor, *, township_id: int | None = None, village_id: int | None = None,
                today: dt.date | None = None) -> dict:
    if actor.role not in NOTICE_ROLES:
        raise Forbidden("公示名单只有乡镇窗口和县民政局人员可以查看")
    today = today or beijing_today()
    township, village = _place(actor, township_id, village_id)
    query = (select(Application).options(joinedload(Application.village), joinedload(Application.applicant))
             .where(Application.township_id == township.id, Application.status == wf.NOTICE,
                    Application.intake.in_(PUBLISHED)).order_by(Application.village_id, Application.id))
    if village is not None:
        query = query.where(Application.village_id == village.id)
    apps = db.session.scalars(query).all()
    started = _started([a.id for a in apps])
    rows = [{
        "village": a.village.name if a.village else "", **_shown(a, today),
        "intake": a.intake, "intake_label": wf.INTAKE_SHORT[a.intake],
        "amount_unit": "元/月" if a.intake == "dibao" else "元",
        "notice_from": to_beijing(started[a.id]).date().isoformat() if a.id in started else None,
        "notice_until": a.step_deadline.isoformat() if a.step_deadline else None,
    } for a in apps]
    return {"county_id": township.county_id, "township_id": township.id, "township": township.name,
            "village_id": village.id if village else None, "village": village.name if village else None,
            "on": today.isoformat(), "items": rows}


def places_for(actor: Actor) -> list[dict]:
    """The townships and villages whose lists this caller may open, for the page's choice."""
    if actor.role not in NOTICE_ROLES:
        return []
    query = select(Township).where(Township.county_id == actor.county_id).order_by(Township.id)
    if actor.role == wf.WINDOW:
        query = query.where(Township.id == actor.township_id)
    return [{"id": t.id, "name": t.name, "villages": [{"id": v.id, "name": v.name} for v in t.villages]}
            for t in db.session.scalars(query)]
