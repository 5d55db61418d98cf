"""The legal procedure of each intake as a pure state machine: states, who may do what, and what changes.

The rules that differ per intake (公示 required or never, the township's approval, 先行救助) come from its
definition (service.intake.procedures). No database, no Flask: service.intake.decisions turns the change
into its effects, the use case applies them and commits.
"""

import datetime as dt
from dataclasses import dataclass, field

from service.errors import Forbidden, InvalidInput, InvalidTransition
from service.intake import procedures
from service.intake.action_params import check_params, first_payable_month  # noqa: F401  (pages read it here)
from service.intake.procedures import Procedure

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
    data = check_params(case.intake, action, params, today)
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


def reroute_note(from_intake: str, to_intake: str, route: dict | None) -> str:
    """A staff re-route, in the history, beside what the classifier had suggested (to measure it)."""
    names = procedures.RESIDENT_LABELS  # the short names, for a one-line history note
    note = f"人工改派：{names[from_intake]} → {names[to_intake]}"
    if (route or {}).get("category"):
        note += f"（分类器建议：{names.get(route['category'], '其他事项')}）"
    return note
