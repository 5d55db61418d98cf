"""What an applicant is told about their application, in plain Chinese: what happened, what next, by when.

The sentences live in the intake's procedure definition (service.intake.procedures, per county); this fills
them from the application. The notices (service.notify) put the same sentence in their channel framing.
"""

import datetime as dt
from decimal import Decimal

from service.intake import procedures

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


def applicant_facts(app) -> dict:
    """What a sentence to the applicant may name about `app` (an Application row, read only)."""
    return {
        "intake": procedures.RESIDENT_LABELS.get(app.intake, app.intake),
        "due": date_cn(app.step_deadline), "final_due": date_cn(app.final_deadline),
        "materials": "、".join(m.name for m in app.materials if m.status == "requested"),
        "count": sum(1 for m in app.materials if m.status == "requested"),
        "township": app.township.name if app.township is not None else "",
        "approval": approval(app) if app.approved_amount is not None else "",
        "reason": app.decision_reason or "", "appeal": APPEAL, "handler": app.referred_to or "",
        "emergency_amount": amount_cn(app.emergency_aid_amount),
    }


def told(app, county_settings: dict | None = None) -> str:
    """The sentence the applicant reads at the application's current step (its procedure's, for its county:
    `county_settings`, or read from the application's township)."""
    settings = county_settings
    if settings is None and app.township is not None:
        settings = app.township.county.settings
    return procedures.definition(app.intake, settings).tells(app.status, applicant_facts(app))


def status_message(app, hotline: str | None = None) -> str:
    """One or two sentences for the applicant, with the county's hotline."""
    return told(app) + (f"如有疑问请拨打 {hotline}。" if hotline else "")
