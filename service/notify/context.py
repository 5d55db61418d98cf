"""The facts a notice about an application may mention, read from its row (no queries of its own
beyond loaded relationships), and which kind of notice each recorded action causes."""

from __future__ import annotations

import datetime as dt

from service.intake import procedures
from service.intake import workflow as wf
from service.intake.wording import APPEAL, amount_cn, approval, date_cn, month_cn, told

# application_events.action -> notice kind (actions not listed tell the applicant nothing)
ACTION_KINDS = {
    "submit": "received",
    "accept": "accepted",
    "request_materials": "materials_needed",
    "receive_materials": "materials_received",
    "start_investigation": "investigation_started",
    "reinvestigate": "investigation_started",
    "start_public_notice": "public_notice_started",
    "submit_to_county": "county_review",
    "approve": "approved",
    "reject": "rejected",
    "transfer": "transferred",
    "refer": "referred",
    "emergency_aid": "emergency_aid_paid",
    "withdraw": "withdrawn",
}

KIND_LABELS = {
    "received": "申请已收到", "accepted": "已受理", "materials_needed": "补正材料告知",
    "materials_received": "材料已收齐", "investigation_started": "开始调查", "public_notice_started": "开始公示",
    "county_review": "报县审核", "approved": "批准", "rejected": "不予批准", "transferred": "转其他救助类别",
    "referred": "转办其他部门", "emergency_aid_paid": "先行救助", "withdrawn": "撤回",
    "overdue_apology": "超期致歉", "staff_digest": "工作人员每日待办", "cs_text": "客服消息",
}

def step_label(procedure: procedures.Procedure, status: str) -> str:
    """The step an application is in, as the applicant would name it (the overdue apology)."""
    return procedure.waiting(status).get("step") or wf.STATUS_LABELS.get(status, status)


def next_step(procedure: procedures.Procedure, status: str, due: dt.date | None) -> str:
    """What comes next and by when, from the county's procedure definition ({due}); "" when no date is running."""
    text = procedure.waiting(status).get("next", "")
    if "{due}" in text and not due:
        return ""
    return text.replace("{due}", date_cn(due)) if due else text


def base_context(county) -> dict:
    settings = county.settings or {}
    hotline = settings.get("hotline") or ""
    return {
        "county": county.name, "hotline": hotline,
        "call": f"咨询电话：{hotline}。" if hotline else "",
    }


def application_context(app, county, *, overdue_deadline: dt.date | None = None) -> dict:
    """Everything a template may name about `app` right now (its state after the change)."""
    requested = [m.name for m in app.materials if m.status == "requested"]
    due = overdue_deadline or app.step_deadline
    procedure = procedures.definition(app.intake, county.settings or {})
    return {
        **base_context(county),
        "case_no": app.case_no,
        "intake": procedures.RESIDENT_LABELS.get(app.intake, app.intake),
        "status": wf.STATUS_LABELS.get(app.status, app.status),
        "step": step_label(procedure, app.status),
        "due": date_cn(due),
        "final_due": date_cn(app.final_deadline),
        "next_step": next_step(procedure, app.status, app.step_deadline),
        "township": app.township.name if app.township is not None else "",
        "materials": "、".join(requested),
        "count": len(requested),
        "approval": approval(app) if app.approved_amount is not None else "",
        "amount": amount_cn(app.approved_amount),
        "first_month": month_cn(app.first_month),
        "reason": app.decision_reason or "",
        "appeal": APPEAL,
        "handler": app.referred_to or "",
        "emergency_amount": amount_cn(app.emergency_aid_amount),
        "told": told(app, county.settings or {}),  # the applicant's sentence for this step: one home, the intake's procedure
    }
