"""The inputs a workflow step takes (amount, first month, reasons, the missing materials, ...), read from
the API's JSON or the page's form the same way and checked with Chinese messages per field. Pure."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from service.clock import next_month
from service.errors import InvalidInput
from service.intake.procedures import INTAKES

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


def check_params(intake: str, action: str, params: dict, today: dt.date) -> dict:
    """The inputs one action takes, read and checked (InvalidInput with per-field Chinese messages)."""
    note = _text(params, "note", "备注", required=False)
    data: dict = {"note": note} if note else {}
    if action == "request_materials":
        missing = [m.strip() for m in params.get("missing") or [] if m and m.strip()]
        if not missing:
            raise InvalidInput(fields={"missing": ["请一次性列出所有缺少的材料"]})
        data["missing"] = list(dict.fromkeys(missing))
    elif action == "approve":
        data["amount"] = _amount(params)
        data["first_month"] = _first_month(intake, params, today)
    elif action == "reject":
        data["reason"] = _text(params, "reason", "不予批准的理由（申请人会看到）", required=True, minimum=4)
    elif action == "transfer":
        target = params.get("to_intake")
        if target not in INTAKES or target == intake:
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
