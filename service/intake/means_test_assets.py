"""Asset checks of the means test (pure): over any county limit means not eligible, whatever the income."""

from decimal import Decimal

from service.intake.household_terms import ASSET_KINDS, VEHICLE_PURPOSES
from service.intake.rounding import money
from service.intake.wording import amount_cn


def check_assets(assets, members: dict, count: int, standard: Decimal, standards) -> list[dict]:
    """One row per check, each with `passed` and the reason in Chinese; excluded members' assets are left out."""
    mine = [a for a in assets if a.member is None or not getattr(members.get(a.member), "excluded_reason", None)]
    rows = []
    deposits = [a for a in mine if a.kind == "deposit"]
    if deposits or standards.deposit_months is not None:
        rows.append(_deposits(sum((a.value for a in deposits), Decimal(0)), count, standard, standards))
    rows += [_vehicle(a, members, standards) for a in mine if a.kind == "vehicle"]
    homes = sum(a.count for a in mine if a.kind == "home")
    if homes:
        passed = homes <= standards.max_homes
        rows.append(_row("home", passed, f"拥有住房 {homes} 套，" + (
            f"未超过本县规定的 {standards.max_homes} 套" if passed else f"超过本县规定的 {standards.max_homes} 套")))
    shops = [a for a in mine if a.kind == "commercial_property"]
    if shops:
        passed = standards.commercial_property_allowed
        rows.append(_row("commercial_property", passed, f"拥有商业用房 {sum(a.count for a in shops)} 处，" + (
            "本县规定不影响" if passed else "不符合本县财产规定")))
    return rows


def _row(kind: str, passed: bool, explanation: str) -> dict:
    return {"kind": kind, "label": ASSET_KINDS[kind], "passed": passed, "explanation": explanation}


def _deposits(total: Decimal, count: int, standard: Decimal, standards) -> dict:
    per_head = total / count
    if standards.deposit_months is None:
        return _row("deposit", True, f"人均存款及有价证券 {money(per_head)} 元；本县尚未设定限额，未核查")
    limit = standard * standards.deposit_months
    passed = per_head <= limit
    rule = f"本县规定的 {standards.deposit_months} 个月低保标准（{money(limit)} 元）"
    return _row("deposit", passed, f"人均存款及有价证券 {money(per_head)} 元，" + (
        f"未超过{rule}" if passed else f"超过{rule}"))


def _vehicle(asset, members: dict, standards) -> dict:
    owner = members.get(asset.member)
    whose = f"{owner.name}名下" if owner else "家庭"
    purpose = asset.purpose or "private"
    if purpose != "private":
        return _row("vehicle", True, f"{whose}{VEHICLE_PURPOSES[purpose]}，不影响")
    value = f"（价值 {amount_cn(asset.value)} 元）" if asset.value else ""
    limit = standards.car_value_limit
    if limit is None:
        return _row("vehicle", False, f"{whose}有自用车辆{value}，不是残疾人代步车或谋生工具，不符合本县财产规定")
    passed = asset.value <= limit
    return _row("vehicle", passed, f"{whose}有自用车辆{value}，" + (
        f"未超过本县规定的 {amount_cn(limit)} 元" if passed else f"超过本县规定的 {amount_cn(limit)} 元"))
