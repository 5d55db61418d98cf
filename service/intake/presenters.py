"""Applications as the API shows them: masked by default, deadlines as working days left."""

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from service.auth.models import StaffUser
from service.clock import utcnow
from service.extensions import db
from service.intake import access, applicants, calendars, deadlines, followers, procedures
from service.intake import workflow as wf
from service.intake.identity import mask_id_number, mask_name, mask_phone
from service.intake.materials_services import material_row, missing_of
from service.intake.models import Application
from service.intake.wording import status_message


def _id_masked(app) -> str | None:
    id_number = applicants.id_number_of(app)
    return mask_id_number(id_number) if id_number else None


def _place(app) -> dict:
    return {
        "township_id": app.township_id, "township": app.township.name,
        "village_id": app.village_id, "village": app.village.name if app.village else None,
    }


def _clock(app, today: dt.date) -> dict:
    left = deadlines.remaining_workdays(app.step_deadline, today, calendars.current()) if app.status in wf.OPEN_STATES else None
    return {
        "step_deadline": app.step_deadline.isoformat() if app.step_deadline else None,
        "final_deadline": app.final_deadline.isoformat() if app.final_deadline else None,
        "workdays_left": left,
        "overdue": left is not None and app.step_deadline < today,
        "clock_paused": app.status == wf.AWAITING,
    }


def application_row(app, today: dt.date, assignee_names: dict[int, str]) -> dict:
    return {
        "case_no": app.case_no, "intake": app.intake, "intake_label": procedures.LABELS[app.intake],
        "status": app.status, "status_label": wf.STATUS_LABELS[app.status], "urgent": app.urgent,
        "channel": app.channel, "applicant_name": mask_name(app.contact_name or app.applicant.name),
        "applicant_phone": mask_phone(app.contact_phone), **_place(app), **_clock(app, today),
        "assigned_to": assignee_names.get(app.assigned_to_id) if app.assigned_to_id else None,
        "version": app.version, "created_at": app.created_at.isoformat(timespec="seconds") + "Z",
    }


def application_receipt(app, procedure) -> dict:
    """What a resident is told when their application is opened: the case number, where and by when."""
    return {"case_no": app.case_no, "township": app.township.name,
            "step_deadline": app.step_deadline.isoformat() if app.step_deadline else None,
            "total_days": procedure.limits(app.scheme).total_days}


def application_detail(app, actor, *, today: dt.date, others: list | None = None) -> dict:
    """`others`: the applicant's other applications when the caller knows them (a new file has none)."""
    assignee = db.session.get(StaffUser, app.assigned_to_id) if app.assigned_to_id else None
    county = app.township.county
    procedure = procedures.definition(app.intake, county.settings)
    limits = procedure.limits(app.scheme)
    case = wf.case_of(app, procedure)
    role = actor.role if actor else ""
    row = application_row(app, today, {assignee.id: assignee.display_name} if assignee else {})
    row.update({
        "scheme": app.scheme, "description": app.description, "household_size": app.household_size,
        "total_days": limits.total_days,  # the county's own limits, as the resident is told them
        # as given with this application; the file only for those who may see it, differences for all
        "applicant": {
            "name": app.contact_name or app.applicant.name, "phone": mask_phone(app.contact_phone),
            "id_number": _id_masked(app),
            "has_wechat": any(f.removed_at is None for f in app.followers),
        },
        "file": _file(app, actor),
        "file_differences": applicants.differences(app, actor),
        "can_review_file": actor is not None and access.reviews_file(actor, app),
        "followers": followers.listing(app) if actor is not None else [],
        "can_remove_followers": actor is not None and actor.role in wf.CASEWORKERS,
        "route": app.route,
        "approved_amount": str(app.approved_amount) if app.approved_amount is not None else None,
        "first_month": app.first_month,
        "emergency_aid_amount": str(app.emergency_aid_amount) if app.emergency_aid_amount is not None else None,
        "decision_reason": app.decision_reason, "referred_to": app.referred_to,
        "applicant_message": status_message(app, (county.settings or {}).get("hotline")),
        "materials": [material_row(m) for m in app.materials],
        "missing_materials": missing_of(app),
        "allowed_actions": [
            {"action": a, "label": wf.ACTION_LABELS[a]}
            for a in wf.allowed_actions(case, role, limits.township_approval_limit, today=today, procedure=procedure)
        ],
        # steps this role takes once 公示 has run its term, with the day they open (shown disabled)
        "waiting_actions": [
            {"action": a, "label": wf.ACTION_LABELS[a], "reason": why}
            for a, why in wf.waiting_actions(case, role, limits.township_approval_limit, today=today,
                                             procedure=procedure)
        ],
        "public_notice": _notice(app, case, today),
        "steps": [{"status": s.status, "name": s.name, "current": s.status == app.status} for s in procedure.steps],
        "history": [
            {
                "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
                "to_status_label": wf.STATUS_LABELS.get(e.to_status, e.to_status), "actor": e.actor_label,
                "note": e.note, "data": e.data, "at": e.created_at.isoformat(timespec="seconds") + "Z",
            }
            for e in app.events
        ],
        **_other_applications(app, actor, others),
    })
    return row


def _notice(app, case, today: dt.date) -> dict | None:
    """The 公示 under way or just ended: when it ends and whether its end has been recorded 无异议."""
    if case.notice_ends_on is None:
        return None
    return {"started_on": app.notice_started_on.isoformat() if app.notice_started_on else None,
            "ends_on": case.notice_ends_on.isoformat(), "ended": today >= case.notice_ends_on,
            "cleared_on": app.notice_cleared_on.isoformat() if app.notice_cleared_on else None,
            "published": _published_figures(app)}


def _published_figures(app) -> dict | None:
    """The figures posted in the village (not the name: an actor who may not see the file is not told it)."""
    figures = app.notice_published
    if figures is None:
        return None
    return {"household_size": figures.get("household_size"), "proposed_amount": figures.get("proposed_amount")}


def _file(app, actor) -> dict | None:
    applicant = app.applicant
    if not access.sees_file(actor, applicant, app.county_id):
        return None
    village = applicant.village
    return {"name": applicant.name, "phone": mask_phone(applicant.phone),
            "village": f"{village.township.name}{village.name}" if village else None}


REPEAT_WINDOW = dt.timedelta(days=365)  # 临时救助: same household, same cause, again within 12 months → refused


def _other_applications(app, actor, others: list | None = None) -> dict:
    """The applicant's other applications (open, or from the last 12 months) so staff see repeats;
    a 临时救助 already granted within 12 months is called out, as the rules refuse the same cause again.
    Those this actor may not be told of (another township's, anything for an operator) say only that
    they exist and whether they are open."""
    since = utcnow() - REPEAT_WINDOW
    others = others if others is not None else db.session.scalars(
        select(Application).where(Application.applicant_id == app.applicant_id, Application.id != app.id,
                                  or_(Application.created_at >= since, Application.status.in_(wf.OPEN_STATES)))
        .options(joinedload(Application.township))  # each row names its township
        .order_by(Application.created_at.desc()).limit(10)).all()
    shown = [o for o in others if actor is not None and access.discloses(o, actor)]
    items = [_other(o) if o in shown else _withheld(o, actor) for o in others]
    granted = [o for o in shown if o.intake == "temporary_relief" and o.created_at >= since
               and (o.status == wf.APPROVED or o.emergency_aid_amount is not None)]
    return {"other_applications": items,
            "repeat_relief": app.intake == "temporary_relief" and bool(granted),
            "repeat_relief_cases": [o.case_no for o in granted] if app.intake == "temporary_relief" else []}


def _other(o) -> dict:
    return {
        "case_no": o.case_no, "intake": o.intake, "intake_label": procedures.LABELS[o.intake],
        "status": o.status, "status_label": wf.STATUS_LABELS[o.status], "township": o.township.name,
        "created_at": o.created_at.isoformat(timespec="seconds") + "Z",
        "approved_amount": str(o.approved_amount) if o.approved_amount is not None else None,
        "emergency_aid_amount": str(o.emergency_aid_amount) if o.emergency_aid_amount is not None else None,
        "visible": True,
    }


def _withheld(o, actor) -> dict:
    elsewhere = actor is not None and actor.role == access.WINDOW
    label = ("已有在办申请" if o.status in wf.OPEN_STATES else "另有申请记录") + ("（其他乡镇）" if elsewhere else "")
    return {"visible": False, "open": o.status in wf.OPEN_STATES, "label": label}
