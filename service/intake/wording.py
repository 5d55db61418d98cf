"""What an applicant is told about their application, in plain Chinese: what happened, what next, by when."""

import datetime as dt
from decimal import Decimal

from service.intake import workflow as wf

APPEAL = "如对决定有异议，可自收到通知之日起60日内向县人民政府申请行政复议，或6个月内向人民法院提起行政诉讼。"


def date_cn(value: dt.date | None) -> str:
    """2026-11-05 -> '11月5日', as residents read dates."""
    return f"{value.month}月{value.day}日" if value else ""


def month_cn(value: str | None) -> str:
    """'2026-12' -> '2026年12月'."""
    if not value or len(value) != 7:
        return value or ""
    return f"{value[:4]}年{int(value[5:])}月"


def amount_cn(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def approval(app) -> str:
    amount = amount_cn(app.approved_amount)
    if app.intake == "temporary_relief":
        return f"一次性救助{amount}元"
    return f"每月{amount}元，{month_cn(app.first_month)}起发放"


def status_message(app, hotline: str | None = None) -> str:
    """One or two sentences for the applicant; `app` is an Application row (read only)."""
    due = date_cn(app.step_deadline)
    call = f"如有疑问请拨打 {hotline}。" if hotline else ""
    missing = [m.name for m in app.materials if m.status == "requested"]
    messages = {
        wf.SUBMITTED: f"您的申请已收到，乡镇民政窗口将在{due}前决定是否受理。",
        wf.AWAITING: "还需要您补交以下材料：" + "、".join(missing)
        + "。请带到乡镇便民服务中心民政窗口，材料补齐后继续办理（补材料期间办理时限暂停）。",
        wf.ACCEPTED: f"您的申请已受理，工作人员将在{due}前开始入户调查核实。",
        wf.INVESTIGATING: f"工作人员正在调查核实您家的情况，预计{due}前完成。",
        wf.NOTICE: f"调查已完成，正在村（居）公示，公示到{due}结束。",
        wf.COUNTY: f"已报县民政局审核确认，预计{due}前作出决定。",
        wf.APPROVED: _approved(app),
        wf.REJECTED: f"经审核不予批准，理由：{app.decision_reason}。{APPEAL}",
        wf.REFERRED: f"您的事项已转交{app.referred_to}办理，请留意对方联系。",
        wf.WITHDRAWN: "您的申请已撤回。如仍需帮助，可以重新申请。",
    }
    text = messages[app.status]
    if app.emergency_aid_amount and app.status not in wf.CLOSED_STATES:
        text = f"已先行救助{amount_cn(app.emergency_aid_amount)}元。" + text
    return text + call


def _approved(app) -> str:
    return f"您的申请已批准：{approval(app)}，钱会打到您登记的账户。"  # the same words as the notice
