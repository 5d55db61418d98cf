"""The legal procedure of each intake as a pure state machine: states, who may do what, and what changes.

The rules that differ per intake (公示 required or never, the township's approval, 先行救助) come from its
definition (service.intake.procedures). No database, no Flask: service.intake.decisions turns the change
into its effects, the use case applies them and commits.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from service.clock import next_month
from service.errors import Forbidden, InvalidInput, InvalidTransition
from service.intake import procedures
from service.intake.procedures import INTAKES, Procedure

SUBMITTED, AWAITING, ACCEPTED, INVESTIGATING = "submitted", "awaiting_materials", "accepted", "investigating"
NOTICE, COUNTY = "public_notice", "county_review"
APPROVED, REJECTED, REFERRED, WITHDRAWN = "approved", "rejected", "referred", "withdrawn"
OPEN_STATES = (SUBMITTED, AWAITING, ACCEPTED, INVESTIGATING, NOTICE, COUNTY)
CLOSED_STATES = (APPROVED, REJECTED, REFERRED, WITHDRAWN)
STATES = OPEN_STATES + CLOSED_STATES

STATUS_LABELS = {
    SUBMITTED: "待受理", AWAITING: "待补正", ACCEPTED: "已受理", INVESTIGATING: "调查核实中",
    NOTICE: "公示中", COUNTY: "待县审核", APPROVED: "已批准", REJECTED: "不予批准",
    REFERRED: "已转办", WITHDRAWN: "已撤回",
}
# the names live in the definition; these aliases are read by service.chat.prompts until it reads procedures
INTAKE_SHORT = procedures.RESIDENT_LABELS
INTAKE_LABELS = procedures.LABELS

ACTION_LABELS = {
    "accept": "受理", "request_materials": "一次性告知补正材料", "receive_materials": "材料已补齐",
    "start_investigation": "开始调查核实", "start_public_notice": "开始公示",
    "close_public_notice": "公示结束（无异议）", "reinvestigate": "公示有异议",
    "submit_to_county": "报县审核确认", "approve": "批准", "reject": "不予批准", "transfer": "转其他救助类别",
    "refer": "转办其他部门", "emergency_aid": "先行救助", "withdraw": "申请人撤回",
}

WINDOW, COUNTY_ROLE = "window", "county"
CASEWORKERS = (WINDOW, COUNTY_ROLE)

# action -> states it may start from (per intake where the law differs)
_FROM = {
    "accept": {SUBMITTED},
    "request_materials": {SUBMITTED, ACCEPTED, INVESTIGATING},
    "receive_materials": {AWAITING},
    "start_investigation": {ACCEPTED},
    "start_public_notice": {INVESTIGATING},
    "close_public_notice": {NOTICE},
    "reinvestigate": {NOTICE},
    "submit_to_county": {INVESTIGATING, NOTICE},
    "approve": {COUNTY, INVESTIGATING, NOTICE},
    "reject": set(OPEN_STATES),
    "transfer": {SUBMITTED, AWAITING, ACCEPTED, INVESTIGATING},
    "refer": {SUBMITTED, AWAITING, ACCEPTED, INVESTIGATING},
    "emergency_aid": {SUBMITTED, ACCEPTED, INVESTIGATING},
    "withdraw": set(OPEN_STATES),
}
ACTIONS = tuple(_FROM)


@dataclass(frozen=True)
class Case:
    """What the procedure needs to know about an application."""

    intake: str
    status: str
    urgent: bool = False
    emergency_aid_paid: bool = False
    resume_status: str | None = None
    notice_ends_on: dt.date | None = None  # the last day of 公示; it may go on from that day
    notice_cleared: bool = False  # 公示 ended and 无异议 recorded
    # what the effects of a step need (service.intake.decisions); the rules above do not read them
    scheme: str | None = None
    step_deadline: dt.date | None = None
    final_deadline: dt.date | None = None
    paused_step_remaining: int | None = None
    paused_final_remaining: int | None = None
    accepted_on: dt.date | None = None
    route: dict | None = None


def case_of(app, procedure: Procedure) -> Case:
    """The Case of an Application row (read only)."""
    days = procedure.limits(app.scheme).public_notice_days
    if app.notice_started_on is not None:
        ends = app.notice_started_on + dt.timedelta(days=days)
    else:  # a 公示 started before its start was recorded ends on its step deadline
        ends = app.step_deadline if app.status == NOTICE else None
    return Case(app.intake, app.status, app.urgent, app.emergency_aid_amount is not None, app.resume_status,
                ends, app.notice_cleared_on is not None, app.scheme, app.step_deadline, app.final_deadline,
                app.paused_step_remaining, app.paused_final_remaining, app.accepted_on, app.route)


@dataclass(frozen=True)
class Change:
    """What an allowed action does; the service applies it and records it."""

    action: str
    from_status: str
    to_status: str
    intake: str
    clock: str  # "restart": new step deadline; "pause": 补正 stops it; "resume": restore; "stop": closed
    data: dict = field(default_factory=dict)


def _problem(case: Case, action: str, role: str, township_limit: int, procedure: Procedure,
             today: dt.date | None) -> Exception | None:
    """Why the action is not allowed now (None when it is); params are checked separately."""
    message = _state_problem(case, action, township_limit, procedure)
    if message:
        return InvalidTransition(message)
    message = _role_problem(case, action, role)
    if message:
        return Forbidden(message)
    message = notice_problem(case, action, today)
    return InvalidTransition(message) if message else None


def _role_problem(case: Case, action: str, role: str) -> str | None:
    if role not in CASEWORKERS:
        return "只有乡镇窗口或县级审核人员可以办理"
    if action in ("approve", "reject") and case.status == COUNTY and role != COUNTY_ROLE:
        return "已报县审核，须由县级审核人员决定"
    return None


def _state_problem(case: Case, action: str, township_limit: int, procedure: Procedure) -> str | None:
    if case.status not in _FROM[action]:
        return f"当前状态为「{STATUS_LABELS[case.status]}」，不能{ACTION_LABELS[action]}"
    if action == "start_public_notice" and not procedure.has_public_notice:
        return procedure.no_public_notice or f"{procedure.label}申请不公示"
    if action == "submit_to_county" and case.status == INVESTIGATING and procedure.public_notice_required:
        days = procedure.limits(case.scheme).public_notice_days
        return f"{procedure.resident_label}申请须先公示{days}天，再报县审核"
    if action == "close_public_notice" and case.notice_cleared:
        return "已登记公示结束（无异议），可以报县审核"
    if action == "approve" and case.status != COUNTY:
        if not procedure.township_approves:
            return "须报县审核确认后才能批准"
        if township_limit <= 0:
            return f"本县{procedure.label}须报县审核"
    if action == "emergency_aid":
        if not procedure.emergency_aid:
            return "先行救助只适用于临时救助"
        if not case.urgent:
            return "先行救助只适用于急难型（紧急）申请"
        if case.emergency_aid_paid:
            return "该申请已先行救助过"
    return None


def notice_problem(case: Case, action: str, today: dt.date | None) -> str | None:
    """公示 runs its full term before anything goes on from it (DOMAIN.md): the end is recorded first."""
    if case.status != NOTICE or action not in ("close_public_notice", "submit_to_county", "approve"):
        return None
    ends = case.notice_ends_on
    if ends is None or today is None or today < ends:
        when = f"公示到{ends.month}月{ends.day}日结束，{ends.month}月{ends.day}日起" if ends else "公示期满后"
        verb = "登记公示结束" if action == "close_public_notice" else "报县审核" if action == "submit_to_county" else "批准"
        return f"公示期未满：{when}才能{verb}"
    if action != "close_public_notice" and not case.notice_cleared:
        return "请先登记公示结果：公示结束（无异议），或公示有异议"
    return None


def _procedure(case: Case, procedure: Procedure | None) -> Procedure:
    return procedure or procedures.definition(case.intake)


def allowed_actions(case: Case, role: str, township_limit: int = 500, *, today: dt.date | None = None,
                    procedure: Procedure | None = None) -> list[str]:
    procedure = _procedure(case, procedure)
    return [a for a in ACTIONS if _problem(case, a, role, township_limit, procedure, today) is None]


def waiting_actions(case: Case, role: str, township_limit: int = 500, *, today: dt.date,
                    procedure: Procedure | None = None) -> list[tuple[str, str]]:
    """Steps open to this role once 公示 has run its term: (action, why not yet), to show them disabled."""
    procedure = _procedure(case, procedure)
    return [(a, notice_problem(case, a, today)) for a in ACTIONS
            if _state_problem(case, a, township_limit, procedure) is None and _role_problem(case, a, role) is None
            and notice_problem(case, a, today)]


def decide(case: Case, action: str, role: str, params: dict, *, today: dt.date,
           township_limit: int = 500, procedure: Procedure | None = None) -> Change:
    """Check the action against the procedure and return the change it makes, or raise."""
    if action not in _FROM:
        raise InvalidInput("未知的办理操作", fields={"action": ["未知的办理操作"]})
    procedure = _procedure(case, procedure)
    problem = _problem(case, action, role, township_limit, procedure, today)
    if problem:
        raise problem
    data = _check_params(case, action, params, today)
    if action in ("approve", "emergency_aid") and case.status != COUNTY and role != COUNTY_ROLE:
        if data["amount"] > township_limit:
            raise InvalidInput(
                f"乡镇审批限额为 {township_limit} 元，超出部分须报县审核",
                fields={"amount": [f"超过乡镇审批限额 {township_limit} 元，请报县审核"]},
            )
    to_status, clock, intake = _target(case, action, data)
    return Change(action, case.status, to_status, intake, clock, data)


def _target(case: Case, action: str, data: dict) -> tuple[str, str, str]:
    if action == "request_materials":
        return AWAITING, "pause", case.intake
    if action == "receive_materials":
        back = case.resume_status or SUBMITTED
        # Complete materials on a new application amount to 受理 (accepted) and start its clock afresh.
        return (ACCEPTED, "restart", case.intake) if back == SUBMITTED else (back, "resume", case.intake)
    if action == "transfer":
        return SUBMITTED, "restart", data["to_intake"]
    if action == "emergency_aid":
        return (ACCEPTED if case.status == SUBMITTED else case.status), "keep", case.intake
    if action == "close_public_notice":  # the end of 公示 is recorded; the file goes on by 报县
        return NOTICE, "keep", case.intake
    targets = {
        "accept": ACCEPTED, "start_investigation": INVESTIGATING, "start_public_notice": NOTICE,
        "reinvestigate": INVESTIGATING, "submit_to_county": COUNTY, "approve": APPROVED,
        "reject": REJECTED, "refer": REFERRED, "withdraw": WITHDRAWN,
    }
    to_status = targets[action]
    return to_status, ("stop" if to_status in CLOSED_STATES else "restart"), case.intake


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _text(params: dict, key: str, label: str, *, required: bool, minimum: int = 1) -> str | None:
    value = (params.get(key) or "").strip()
    if required and len(value) < minimum:
        raise InvalidInput(fields={key: [f"请填写{label}" + (f"（至少 {minimum} 个字）" if minimum > 1 else "")]})
    return value or None


def _amount(params: dict) -> Decimal:
    raw = params.get("amount")
    if raw in (None, ""):
        raise InvalidInput(fields={"amount": ["请填写金额（元）"]})
    try:
        amount = Decimal(str(raw)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(fields={"amount": ["金额应为数字，如 800 或 800.50"]}) from None
    if amount <= 0 or amount > Decimal("1000000"):
        raise InvalidInput(fields={"amount": ["金额应大于 0 且不超过 100 万元"]})
    return amount


def _first_month(intake: str, params: dict, today: dt.date) -> str | None:
    """Monthly benefits start the month after approval (DOMAIN.md); 临时救助 is paid once, no month needed."""
    month = (params.get("first_month") or "").strip()
    if not month and intake == "temporary_relief":
        return None
    match = _MONTH.match(month)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(fields={"first_month": ["请填写发放起始月份，格式如 2026-12"]})
    earliest = first_payable_month(intake, today)
    if f"{int(match.group(1)):04d}-{int(match.group(2)):02d}" < earliest:
        message = "发放起始月份不能早于本月" if intake == "temporary_relief" else \
            f"按规定从批准的次月起发放，起始月份不能早于 {earliest}"
        raise InvalidInput(fields={"first_month": [message]})
    return month


def first_payable_month(intake: str, today: dt.date) -> str:
    """'YYYY-MM': monthly benefits start the month after approval; 临时救助 (paid once) this month."""
    return f"{today:%Y-%m}" if intake == "temporary_relief" else next_month(today)


def _check_params(case: Case, action: str, params: dict, today: dt.date) -> dict:
    note = _text(params, "note", "备注", required=False)
    data: dict = {"note": note} if note else {}
    if action == "request_materials":
        missing = [m.strip() for m in params.get("missing") or [] if m and m.strip()]
        if not missing:
            raise InvalidInput(fields={"missing": ["请一次性列出所有缺少的材料"]})
        data["missing"] = list(dict.fromkeys(missing))
    elif action == "approve":
        data["amount"] = _amount(params)
        data["first_month"] = _first_month(case.intake, params, today)
    elif action == "reject":
        data["reason"] = _text(params, "reason", "不予批准的理由（申请人会看到）", required=True, minimum=4)
    elif action == "transfer":
        target = params.get("to_intake")
        if target not in INTAKES or target == case.intake:
            raise InvalidInput(fields={"to_intake": ["请选择另一个救助类别：临时救助、低保、儿童福利"]})
        data["to_intake"] = target
    elif action == "refer":
        data["department"] = _text(params, "department", "接收部门", required=True, minimum=2)
        contact = _text(params, "contact", "联系方式", required=False)
        if contact:
            data["contact"] = contact
    elif action == "emergency_aid":
        data["amount"] = _amount(params)
    elif action in ("withdraw", "reinvestigate"):
        label = "异议情况（谁、何时、对什么提出异议）" if action == "reinvestigate" else "原因"
        reason = _text(params, "reason", label, required=action == "reinvestigate", minimum=2)
        if reason:
            data["reason"] = reason
    return data


def reroute_note(from_intake: str, to_intake: str, route: dict | None) -> str:
    """A staff re-route, in the history, beside what the classifier had suggested (to measure it)."""
    note = f"人工改派：{INTAKE_SHORT[from_intake]} → {INTAKE_SHORT[to_intake]}"
    if (route or {}).get("category"):
        note += f"（分类器建议：{INTAKE_SHORT.get(route['category'], '其他事项')}）"
    return note
