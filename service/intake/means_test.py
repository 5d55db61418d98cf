"""The 低保 means test, pure and explained: household + investigation findings + the standards in force.

Rounding follows service.intake.rounding (one rule, documented there); no float anywhere.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from service.intake.household_terms import (
    AREAS,
    CARE_LEVELS,
    EXCLUSIONS,
    INCOME_KINDS,
    SEVERITIES,
)
from service.intake.means_test_assets import check_assets
from service.intake.rounding import RULE, fen, money, yuan
from service.intake.standards import Standards


class MeansTestInputError(ValueError):
    """The inputs cannot give an answer (no one counted, a standard not set); the message is Chinese."""


@dataclass(frozen=True)
class Member:
    key: int | str
    name: str
    relation: str = "self"
    disability_grade_1_2: bool = False
    grave_illness: bool = False
    in_school: bool = False
    aged_60_plus: bool = False
    unable_to_work: bool = False
    care_level: str | None = None
    excluded_reason: str | None = None
    excluded_note: str | None = None


@dataclass(frozen=True)
class Income:
    kind: str
    amount: Decimal
    member: int | str | None = None  # None: the household's as a whole
    period: str = "month"  # month | year
    costs: Decimal = Decimal(0)  # for net kinds (business, farming, property), over the same period


@dataclass(frozen=True)
class Asset:
    kind: str
    value: Decimal = Decimal(0)
    member: int | str | None = None
    purpose: str | None = None  # vehicles: private | disability | work_tool
    count: int = 1


@dataclass(frozen=True)
class Case:
    members: tuple[Member, ...]
    incomes: tuple[Income, ...] = ()
    assets: tuple[Asset, ...] = ()
    area: str = "rural"
    has_able_supporter: bool | None = None  # 特困: a person with the duty and the means to support them
    relief_severity: str | None = None  # 临时救助, as the investigation assessed it
    in_receipt: bool = False  # already receiving 低保 (a review): 渐退期 applies when income rises


def _monthly(item: Income) -> Decimal:
    return item.amount / 12 if item.period == "year" else item.amount


def _income_line(item: Income, members: dict, standards: Standards) -> dict:
    label, category = INCOME_KINDS[item.kind]
    member = members.get(item.member)
    who = member.name if member else "全家"
    entered = f"{who}{label}{'每年' if item.period == 'year' else '每月'} {money(item.amount)} 元"
    base = {"member": item.member, "member_name": who, "kind": item.kind, "kind_label": label,
            "entered": f"{item.amount:f}", "period": item.period}
    if member is not None and member.excluded_reason:
        return {**base, "counted": Decimal(0), "exempt": False,
                "explanation": f"{entered}：{who}不计入家庭成员，其收入不计入"}
    if item.kind in standards.exempt_kinds:
        return {**base, "counted": Decimal(0), "exempt": True, "explanation": f"{entered}：属收入豁免，不计入"}
    steps = [entered]
    monthly = _monthly(item)
    if category == "net":
        costs = item.costs / 12 if item.period == "year" else item.costs
        if item.costs:
            steps.append(f"减去成本 {money(item.costs)} 元")
        monthly -= costs
        if monthly < 0:
            steps.append("净收入为负，按 0 计")
            monthly = Decimal(0)
    if item.period == "year":
        steps.append(f"折合每月 {money(monthly)} 元")
    if category == "wage" and standards.employment_deduction:
        deduction = monthly * standards.employment_deduction
        steps.append(f"扣除就业成本 {_percent(standards.employment_deduction)}（{money(deduction)} 元）")
        monthly -= deduction
    steps.append(f"计入 {money(monthly)} 元")
    return {**base, "counted": monthly, "exempt": False, "explanation": "，".join(steps)}


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def means_test(case: Case, standards: Standards, *, on: dt.date,
               earlier: Standards | None = None, earlier_on: dt.date | None = None) -> dict:
    """Eligibility, per-capita income, the 补差 and every reason, for the decision date `on`.

    `earlier`: the standards in force when the procedure began (`earlier_on`); when they differ the
    explanation says the decision date's version applies.
    """
    standard = standards.monthly(case.area)
    if standard is None:
        raise MeansTestInputError(f"本县尚未设定{AREAS[case.area]}低保标准，请县民政局先在救助标准中设定")
    members = {m.key: m for m in case.members}
    counted = [m for m in case.members if not m.excluded_reason]
    if not counted:
        raise MeansTestInputError("没有计入的家庭成员：请先登记共同生活的家庭成员")
    reasons = [_household_sentence(case.members, counted)]
    lines = [_income_line(item, members, standards) for item in case.incomes]
    total = sum((line["counted"] for line in lines), Decimal(0))
    per_capita = fen(total / len(counted))
    assets = check_assets(case.assets, members, len(counted), standard, standards)
    assets_pass = all(a["passed"] for a in assets)
    below = per_capita < standard
    reasons.append(f"家庭月收入合计 {money(total)} 元，{len(counted)} 人，人均月收入 {money(per_capita)} 元，"
                   + (f"低于标准 {money(standard)} 元" if below else f"不低于标准 {money(standard)} 元（须低于标准）"))
    reasons += [a["explanation"] for a in assets if not a["passed"]]
    if assets_pass:
        reasons.append("家庭财产符合本县规定")
    else:
        reasons.append("家庭财产超过本县规定，无论收入多少均不符合低保条件")
    eligible = below and assets_pass
    benefit = _benefit(standard, per_capita, len(counted), standards) if eligible else None
    edge_limit = standard * standards.edge_multiple
    edge = assets_pass and not below and per_capita < edge_limit
    result = {
        "on": on.isoformat(), "area": case.area, "area_label": AREAS[case.area],
        "standard": f"{standard:f}", "standards": _version_note(standards, case.area, on, earlier, earlier_on),
        "members": [_member_row(m) for m in case.members], "counted_members": len(counted),
        "incomes": [{**line, "counted": f"{fen(line['counted']):f}"} for line in lines],
        "total_income": f"{fen(total):f}", "per_capita_income": f"{per_capita:f}",
        "assets": assets, "assets_pass": assets_pass, "eligible": eligible, "reasons": reasons,
        "benefit": benefit, "edge_household": edge,
        "edge_limit": f"{fen(edge_limit):f}",
        "single_person": _single_person(case, counted, lines, standards, standard) if edge else [],
        "tekun": _tekun(case, counted, standards, below and assets_pass),
        "temporary_relief": _relief(case, standards, standard),
        "taper": _taper(case, standards, below),
        # the urban standard, when missing, stopped us above; only what was left unchecked is a warning
        "warnings": [f"本县尚未设定{what}，相关项目未核查" for what in standards.unset() if what != "城市低保标准"],
        "rounding": RULE,
    }
    if edge:
        reasons.append(f"人均月收入低于低保边缘标准 {money(edge_limit)} 元（{money(standard)} 元 × "
                       f"{standards.edge_multiple.normalize():f}），属低保边缘家庭")
    reasons.append(f"符合低保条件，每月补差 {benefit['amount']} 元" if eligible else "不符合低保条件")
    return result


def _household_sentence(members: tuple[Member, ...], counted: list[Member]) -> str:
    out = [m for m in members if m.excluded_reason]
    text = f"共同生活家庭成员 {len(members)} 人，计入 {len(counted)} 人"
    if out:
        text += "（" + "；".join(f"{m.name}：{_exclusion(m)}，不计入" for m in out) + "）"
    return text


def _exclusion(member: Member) -> str:
    label = EXCLUSIONS.get(member.excluded_reason, member.excluded_reason)
    return f"{label}（{member.excluded_note}）" if member.excluded_note else label


def _member_row(member: Member) -> dict:
    return {"key": member.key, "name": member.name, "counted": not member.excluded_reason,
            "excluded_reason": member.excluded_reason,
            "excluded_label": _exclusion(member) if member.excluded_reason else None}


def _benefit(standard: Decimal, per_capita: Decimal, count: int, standards: Standards) -> dict:
    gap = standard - per_capita
    computed = yuan(gap * count)
    text = f"（{money(standard)} − {money(per_capita)}）× {count} 人 = {money(gap * count)} 元，取整为 {computed} 元"
    floor = standards.floor_per_person
    if floor and yuan(floor * count) > computed:
        floored = yuan(floor * count)
        return {"amount": int(floored), "computed": int(computed), "floor_applied": True,
                "explanation": text + f"；低于本县每人每月保底 {money(floor)} 元，按保底发放 {floored} 元"}
    if not computed:  # eligible by a fen or two: said plainly rather than shown as a silent 0
        text += "；差额不足 0.5 元，取整后为 0 元"
    return {"amount": int(computed), "computed": int(computed), "floor_applied": False, "explanation": text}


def _version_note(standards: Standards, area: str, on: dt.date, earlier: Standards | None,
                  earlier_on: dt.date | None) -> dict:
    label = AREAS[area]
    source = "系统默认标准，本县尚未设定" if standards.is_default else \
        f"{standards.effective_from.isoformat()} 起执行"
    note = f"按决定日 {on.isoformat()} 适用的标准（{source}）计算：{label}低保 {money(standards.monthly(area))} 元/月"
    changed = earlier is not None and earlier.effective_from != standards.effective_from
    if changed and earlier.monthly(area) is not None:
        when = f"受理时（{earlier_on.isoformat()}）" if earlier_on else "受理时"
        note += f"。办理期间标准有调整：{when}执行 {money(earlier.monthly(area))} 元/月，现按决定日适用的标准计算"
    return {"effective_from": standards.effective_from.isoformat(), "is_default": standards.is_default,
            "basis": standards.basis, "changed_during_procedure": changed, "explanation": note}


def _single_person(case: Case, counted: list[Member], lines: list[dict], standards: Standards,
                   standard: Decimal) -> list[dict]:
    """单人户施保: in a 低保边缘 household, a member with a grade 1–2 disability or a grave illness alone."""
    options = []
    for member in counted:
        if not (member.disability_grade_1_2 or member.grave_illness):
            continue
        own = fen(sum((line["counted"] for line in lines if line["member"] == member.key), Decimal(0)))
        if own >= standard:
            continue
        why = "一、二级残疾" if member.disability_grade_1_2 else "重病"
        benefit = _benefit(standard, own, 1, standards)
        options.append({
            "member": member.key, "name": member.name, "own_income": f"{own:f}", "amount": benefit["amount"],
            "explanation": f"{member.name}（{why}）可按单人户施保：本人月收入 {money(own)} 元，"
                           + benefit["explanation"],
        })
    return options


def _tekun(case: Case, counted: list[Member], standards: Standards, poor: bool) -> dict | None:
    """特困 where the inputs say so: everyone counted unable to work, no able supporter, income and assets pass."""
    unable = all(m.unable_to_work or m.aged_60_plus or m.disability_grade_1_2 for m in counted)
    if not (poor and unable and case.has_able_supporter is False):
        return None
    base = standards.monthly(case.area) * standards.tekun_multiple
    basic = max(base, standards.tekun_yearly / 12) if standards.tekun_yearly else base
    people = []
    for m in counted:
        care = standards.care_yearly.get(m.care_level) if m.care_level else None
        monthly = basic + (care / 12 if care else Decimal(0))
        care_text = (f"，照料护理（{CARE_LEVELS[m.care_level]}）每年 {money(care)} 元" if care is not None
                     else "，生活自理能力尚未评估")
        people.append({"member": m.key, "name": m.name, "care_level": m.care_level, "monthly": int(yuan(monthly)),
                       "explanation": f"{m.name}：基本生活每月 {money(basic)} 元{care_text}，合计每月约 {yuan(monthly)} 元"})
    return {"basic_monthly": f"{fen(basic):f}", "people": people,
            "explanation": "家庭成员均无劳动能力、无生活来源，且无有赡养扶养能力的义务人，可按特困人员认定"}


def _relief(case: Case, standards: Standards, standard: Decimal) -> dict | None:
    if case.relief_severity not in SEVERITIES:
        return None
    multiple = standards.relief_multiples[case.relief_severity]
    amount = yuan(standard * multiple)
    return {"severity": case.relief_severity, "multiple": f"{multiple.normalize():f}", "amount": int(amount),
            "explanation": f"临时救助按{SEVERITIES[case.relief_severity]}情形：{multiple.normalize():f} × "
                           f"月低保标准 {money(standard)} 元 = {amount} 元"}


def _taper(case: Case, standards: Standards, below: bool) -> str | None:
    if case.in_receipt and not below and standards.taper_months:
        return f"已在保家庭收入超过标准，可按本县规定享受 {standards.taper_months} 个月渐退期"
    return None

