"""What a step needs from the case's own record before the workflow's change is applied (called by
services.act inside its unit of work), and the approval form's read-only proposal.

- 补正 asks only for items still owed (service.intake.materials.check_request).
- 批准: the amount against the means test's proposal (a different amount needs a reason) and the required
  materials (approving without one needs an explicit confirmation); both go into the decision's history.
"""

import dataclasses
import datetime as dt

from service.auth.actor import Actor
from service.clock import today as beijing_today
from service.errors import Conflict, InvalidInput
from service.intake import approval
from service.intake import materials as mat
from service.intake import workflow as wf
from service.intake.casework_access import case_for
from service.intake.materials_services import missing_of, states
from service.intake.means_test_services import means_test_of
from service.intake.models import Application


def _computed(app: Application, today: dt.date) -> tuple[dict | None, str | None]:
    """The means test on the decision date, or why there is none (no household, no investigation...)."""
    if app.intake not in ("dibao", "temporary_relief"):
        return None, None
    try:
        return means_test_of(app, today), None
    except Conflict as exc:
        return None, exc.message


def review_step(app: Application, change: wf.Change, params: dict, today: dt.date) -> wf.Change:
    """The change, with what the decision records added; InvalidInput (every problem at once) otherwise."""
    if change.action == "request_materials":
        mat.check_request(change.data["missing"], states(app))
        return change
    if change.action != "approve":
        return change
    extra, problems = {}, {}
    checks = (
        lambda: approval.check_materials(missing_of(app), params.get("confirm_missing") is True),
        lambda: approval.check_amount(change.data["amount"], approval.proposal(app.intake, _computed(app, today)[0]),
                                      params.get("amount_reason")),
    )
    first = None
    for check in checks:
        try:
            extra.update(check())
        except InvalidInput as exc:
            first = first or exc
            problems.update(exc.fields or {})
    if first is not None:
        raise InvalidInput(first.message if len(problems) == 1 else "请按提示处理后再批准",
                           fields=problems, code=first.code if len(problems) == 1 else "approval_needs_attention")
    return dataclasses.replace(change, data={**change.data, **extra})


def approval_form(actor: Actor, case_no: str, *, today: dt.date | None = None) -> dict:
    """What the approval form shows: the computation, the proposed amount and its alternatives, and the
    required materials still owed. Read-only."""
    today = today or beijing_today()
    app = case_for(actor, case_no)
    result, problem = _computed(app, today)
    return {"case_no": app.case_no, "intake": app.intake, "on": today.isoformat(),
            "computation": _summary(result), "proposal": approval.proposal(app.intake, result),
            "not_computed": problem, "missing_materials": missing_of(app),
            "first_month": wf.first_payable_month(app.intake, today)}


def _summary(result: dict | None) -> dict | None:
    """The lines of the means test the county reads before deciding."""
    if result is None:
        return None
    benefit = result.get("benefit")
    return {"standard": result["standard"], "standards_note": result["standards"]["explanation"],
            "counted_members": result["counted_members"], "total_income": result["total_income"],
            "per_capita_income": result["per_capita_income"], "eligible": result["eligible"],
            "reasons": result["reasons"], "benefit_explanation": benefit["explanation"] if benefit else None,
            "edge_household": result["edge_household"], "warnings": result["warnings"],
            "household_version": result["household_version"], "investigation_version": result["investigation_version"]}
