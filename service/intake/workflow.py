"""The legal procedure of each intake as a pure state machine: states, who may do what, and what changes.

No database, no Flask: services fetch the application, ask `decide` what an action does, and commit.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from service.clock import next_month
from service.errors import Forbidden, InvalidInput, InvalidTransition
from service.intake.time_limits import INTAKES

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
INTAKE_SHORT = {"temporary_relief": "临时救助", "dibao": "低保", "child_welfare": "儿童福利"}
INTAKE_LABELS = {"temporary_relief": "临时救助", "dibao": "最低生活保障（含特困）", "child_welfare": "儿童福利"}

ACTION_LABELS = {
    "accept": "受理", "request_materials": "一次性告知补正材料", "receive_materials": "材料已补齐",
    "start_investigation": "开始调查核实", "start_public_notice": "开始公示", "reinvestigate": "公示有异议，重新调查",
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


@dataclass(frozen=True)
class Change:
    """What an allowed action does; the service applies it and records it."""

    action: str
    from_status: str
    to_status: str
    intake: str
    clock: str  # "restart": new step deadline; "pause": 补正 stops it; "resume": restore; "stop": closed
    data: dict = field(default_factory=dict)


def _problem(case: Case, action: str, role: str, township_limit: int) -> Exception | None:
    """Why the action is not allowed now (None when it is); params are checked separately."""
    message = _state_problem(case, action, township_limit)
    if message:
        return InvalidTransition(message)
    message = _role_problem(case, action, role)
    return Forbidden(message) if message else None


def _role_problem(case: Case, action: str, role: str) -> str | None:
    if role not in CASEWORKERS:
        return "只有乡镇窗口或县级审核人员可以办理"
    if action in ("approve", "reject") and case.status == COUNTY and role != COUNTY_ROLE:
        return "已报县审核，须由县级审核人员决定"
    return None


def _state_problem(case: Case, action: str, township_limit: int) -> str | None:
    if case.status not in _FROM[action]:
        return f"当前状态为「{STATUS_LABELS[case.status]}」，不能{ACTION_LABELS[action]}"
    if action == "start_public_notice" and case.intake == "child_welfare":
        return "儿童福利申请不公示，以保护儿童"
    if action == "submit_to_county" and case.status == INVESTIGATING and case.intake == "dibao":
        return "低保申请须先公示7天，再报县审核"
    if action == "approve" and case.status != COUNTY:
        if case.intake != "temporary_relief":
            return "须报县审核确认后才能批准"
        if township_limit <= 0:
            return "本县临时救助须报县审核"
    if action == "emergency_aid":
        if case.intake != "temporary_relief":
            return "先行救助只适用于临时救助"
        if not case.urgent:
            return "先行救助只适用于急难型（紧急）申请"
        if case.emergency_aid_paid:
            return "该申请已先行救助过"
    return None


def allowed_actions(case: Case, role: str, township_limit: int = 500) -> list[str]:
    return [a for a in ACTIONS if _problem(case, a, role, township_limit) is None]


def decide(case: Case, action: str, role: str, params: dict, *, today: dt.date,
           township_limit: int = 500) -> Change:
    """Check the action against the procedure and return the change it makes, or raise."""
    if action not in _FROM:
        raise InvalidInput("未知的办理操作", fields={"action": ["未知的办理操作"]})
    problem = _problem(case, action, role, township_limit)
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
        reason = _text(params, "reason", "原因", required=action == "reinvestigate", minimum=2)
        if reason:
            data["reason"] = reason
    return data


def reroute_note(from_intake: str, to_intake: str, route: dict | None) -> str:
    """A staff re-route, in the history, beside what the classifier had suggested (to measure it)."""
    note = f"人工改派：{INTAKE_SHORT[from_intake]} → {INTAKE_SHORT[to_intake]}"
    if (route or {}).get("category"):
        note += f"（分类器建议：{INTAKE_SHORT.get(route['category'], '其他事项')}）"
    return note
