"""The county's approval, pure: the amount the means test proposes, the reason an override needs, and the
confirmation that approving without a required material needs. No database, no Flask."""

from decimal import Decimal

from service.errors import InvalidInput

MIN_REASON = 4  # characters: "核实有误" is a reason, "改" is not


def proposal(intake: str, result: dict | None) -> dict | None:
    """What the approval form proposes from a means-test result (service.intake.means_test), or None when
    there is nothing to propose from (no computation, or an intake the means test does not price).

    options: every amount the computation supports, the household's 补差 first, then 单人户施保 per member,
    特困 and 临时救助 where they apply; the first one is the proposed amount."""
    if result is None or intake not in ("dibao", "temporary_relief"):
        return None
    options = []
    if intake == "dibao":
        if result.get("benefit"):
            options.append({"basis": "household", "label": "全户补差", "amount": result["benefit"]["amount"],
                            "explanation": result["benefit"]["explanation"]})
        for single in result.get("single_person") or []:
            options.append({"basis": f"single:{single['member']}", "label": f"单人户施保（{single['name']}）",
                            "amount": single["amount"], "explanation": single["explanation"]})
        if result.get("tekun"):
            people = result["tekun"]["people"]
            options.append({"basis": "tekun", "label": "特困人员救助供养", "amount": sum(p["monthly"] for p in people),
                            "explanation": "；".join(p["explanation"] for p in people)})
    elif result.get("temporary_relief"):
        relief = result["temporary_relief"]
        options.append({"basis": "temporary_relief", "label": "临时救助", "amount": relief["amount"],
                        "explanation": relief["explanation"]})
    first = options[0] if options else None
    return {"amount": first["amount"] if first else None, "basis": first["basis"] if first else None,
            "options": options, "eligible": bool(result.get("eligible")),
            "per_capita_income": result.get("per_capita_income"), "standard": result.get("standard"),
            "counted_members": result.get("counted_members"), "reasons": list(result.get("reasons") or [])}


def check_amount(amount: Decimal, offered: dict | None, reason: str | None) -> dict:
    """What the decision records about its amount; InvalidInput when it departs from every amount the
    computation supports without a reason. `offered`: proposal(...) or None (nothing computed)."""
    reason = (reason or "").strip()
    if offered is None:
        return {"proposed_amount": None, "amount_basis": "manual", **({"amount_reason": reason} if reason else {})}
    match = next((o for o in offered["options"] if Decimal(o["amount"]) == amount), None)
    if match:
        return {"proposed_amount": offered["amount"], "amount_basis": match["basis"]}
    if len(reason) < MIN_REASON:
        said = (f"核算建议金额为 {offered['amount']} 元" if offered["amount"] is not None
                else "核算结果为不符合条件，没有建议金额")
        raise InvalidInput(
            f"{said}，批准金额与之不同须填写理由",
            fields={"amount_reason": [f"{said}；改为 {_yuan(amount)} 元须写明理由（至少 {MIN_REASON} 个字），理由记入办理记录"]},
            code="amount_reason_required")
    return {"proposed_amount": offered["amount"], "amount_basis": "override", "amount_reason": reason}


def check_materials(missing: list[str], confirmed: bool) -> dict:
    """Approving while a required material is still owed needs an explicit confirmation, kept in the history."""
    if not missing:
        return {}
    if not confirmed:
        raise InvalidInput(
            "必需材料尚未收齐：" + "、".join(missing),
            fields={"confirm_missing": ["以下必需材料尚未收到、免交或经平台查询：" + "、".join(missing)
                                        + "。确需批准的，请勾选「确认缺少上述材料仍批准」（记入办理记录）"]},
            code="materials_missing")
    return {"missing_confirmed": list(missing)}


def history_lines(data: dict) -> list[str]:
    """The approval's amount and materials, as the history shows them."""
    lines = []
    basis = data.get("amount_basis")
    if basis == "override":
        proposed = data.get("proposed_amount")
        lines.append((f"核算建议 {proposed} 元" if proposed is not None else "核算结果不符合条件")
                     + f"，改为 {data.get('amount')} 元，理由：{data.get('amount_reason')}")
    elif basis == "manual":
        lines.append("未经核算，金额人工填写" + (f"，说明：{data['amount_reason']}" if data.get("amount_reason") else ""))
    elif basis:
        lines.append(f"按核算金额批准（{_BASIS_LABELS.get(basis.partition(':')[0], basis)}）")
    if data.get("missing_confirmed"):
        lines.append("确认缺少材料仍批准：" + "、".join(data["missing_confirmed"]))
    return lines


_BASIS_LABELS = {"household": "全户补差", "single": "单人户施保", "tekun": "特困人员救助供养", "temporary_relief": "临时救助"}


def _yuan(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"
