"""What one workflow step does to an application, as data: the columns it sets, what happens to the
materials and what the history records. Pure: the use case fetches, calls decide, applies, commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from service.intake import deadlines
from service.intake import workflow as wf
from service.intake.procedures import Procedure
from service.intake.workdays import WorkCalendar


@dataclass(frozen=True)
class Decision:
    change: wf.Change
    sets: dict                   # Application attribute -> new value
    materials: tuple = ()        # ("request", names) | ("receive", at) | ("checklist", names)
    note: str | None = None      # the history line
    data: dict = field(default_factory=dict)  # the event's data (JSON-ready)


def decide(case: wf.Case, action: str, role: str, params: dict, *, today: dt.date, now: dt.datetime,
           procedure_of: Callable[[str], Procedure], calendar: WorkCalendar) -> Decision:
    """Check the action against the case's procedure (raises when refused) and return all it changes."""
    procedure = procedure_of(case.intake)
    limits = procedure.limits(case.scheme)
    change = wf.decide(case, action, role, params, today=today, township_limit=limits.township_approval_limit,
                       procedure=procedure)
    sets, materials = _effects(case, change, today, now, procedure_of, calendar)
    note = change.data.get("reason") or change.data.get("note")
    if action == "transfer":  # every re-route, from the API or the page, is measured against the classifier
        note = note or wf.reroute_note(case.intake, change.intake, case.route)
    if action == "close_public_notice":
        note = "公示期满，无异议" + (f"；{note}" if note else "")
    return Decision(change, sets, tuple(materials), note, _jsonable(change.data))


def with_change(decision: Decision, change: wf.Change) -> Decision:
    """The decision with a reviewed change (the approval's checks add what the history records)."""
    if change is decision.change:
        return decision
    return replace(decision, change=change, data=_jsonable(change.data))


def _effects(case: wf.Case, change: wf.Change, today: dt.date, now: dt.datetime,
             procedure_of: Callable[[str], Procedure], calendar: WorkCalendar) -> tuple[dict, list]:
    data, action = change.data, change.action
    sets: dict = {"status": change.to_status, "intake": change.intake}
    materials: list = []
    paused_step, paused_final = case.paused_step_remaining, case.paused_final_remaining
    final = case.final_deadline
    if change.clock == "pause":
        paused_step = deadlines.remaining_workdays(case.step_deadline, today, calendar)
        paused_final = deadlines.remaining_workdays(case.final_deadline, today, calendar)
        final = None
        sets.update(paused_step_remaining=paused_step, paused_final_remaining=paused_final,
                    resume_status=change.from_status, final_deadline=None)
        materials.append(("request", tuple(data["missing"])))
    if action == "receive_materials":
        materials.append(("receive", now))
    scheme = case.scheme
    if action == "transfer":
        scheme = None
        sets.update(scheme=None, resume_status=None)
        materials.append(("checklist", procedure_of(change.intake).materials))
    procedure = procedure_of(change.intake)
    limits = procedure.limits(scheme)
    if change.clock == "restart":
        sets.update(clock_fields(deadlines.step_deadline(procedure, change.to_status, limits, today, calendar,
                                                        urgent=case.urgent),
                           change.to_status, case.urgent))
    elif change.clock == "resume":
        sets.update(clock_fields(deadlines.resume(paused_step, today, calendar), change.to_status, case.urgent))
        final = deadlines.resume(paused_final, today, calendar)
        sets["final_deadline"] = final
    elif change.clock in ("pause", "stop"):
        sets.update(clock_fields(None, change.to_status, case.urgent))
    if change.clock == "resume" or action == "receive_materials":
        sets.update(paused_step_remaining=None, paused_final_remaining=None, resume_status=None)
    if change.to_status == wf.ACCEPTED and case.accepted_on is None:
        sets.update(accepted_on=today, final_deadline=deadlines.resume(limits.total_days, today, calendar))
    sets.update(_outcome(change, today))
    return sets, materials


def clock_fields(step_deadline: dt.date | None, status: str, urgent: bool) -> dict:
    """The step deadline with the queue's sort keys derived from it."""
    open_ = status in wf.OPEN_STATES
    return {"step_deadline": step_deadline, "queue_due": step_deadline or deadlines.NO_DEADLINE,
            "priority": (0 if urgent else 1) if open_ else 2}


def _outcome(change: wf.Change, today: dt.date) -> dict:
    data, action = change.data, change.action
    sets: dict = {}
    if action == "start_public_notice":
        sets.update(notice_started_on=today, notice_cleared_on=None)
    if action == "close_public_notice":
        sets["notice_cleared_on"] = today
    if action == "reinvestigate":  # an objection: investigate again, then a new 公示 of its own
        sets.update(notice_started_on=None, notice_cleared_on=None, notice_published=None)
    if action == "approve":
        sets.update(approved_amount=data["amount"], first_month=data["first_month"])
    if action == "emergency_aid":
        sets["emergency_aid_amount"] = data["amount"]
    if action == "reject":
        sets["decision_reason"] = data["reason"]
    if action == "refer":
        sets["referred_to"] = data["department"] + (f"（{data['contact']}）" if data.get("contact") else "")
    if change.to_status in (wf.APPROVED, wf.REJECTED):
        sets["decided_on"] = today
    return sets


def _jsonable(data: dict) -> dict:
    return {k: (str(v) if not isinstance(v, str | int | list | bool | type(None)) else v) for k, v in data.items()}
