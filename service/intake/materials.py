"""Default materials checklist per intake (DOMAIN.md); a county replaces it in its settings."""

DEFAULT_CHECKLISTS = {
    "dibao": [
        "救助申请书",
        "全体家庭成员身份证",
        "户口簿",
        "家庭经济状况核对授权书",
        "家庭收入和财产申报承诺书",
    ],
    "temporary_relief": [
        "临时救助申请书",
        "申请人身份证",
        "户口簿",
        "困难情况证明（如医疗费票据、受灾证明）",
    ],
    "child_welfare": [
        "儿童福利申请书",
        "儿童户口簿",
        "监护人身份证",
        "父母死亡、失踪、重残、重病、服刑等情况证明",
    ],
}


def checklist_for(intake: str, county_settings: dict | None) -> list[str]:
    custom = ((county_settings or {}).get("materials") or {}).get(intake)
    return list(custom) if custom else list(DEFAULT_CHECKLISTS[intake])
