"""Per-intake time limits from DOMAIN.md, as defaults a county overrides with its own settings."""

from dataclasses import dataclass, fields, replace

INTAKES = ("temporary_relief", "dibao", "child_welfare")


@dataclass(frozen=True)
class TimeLimits:
    accept_days: int = 3            # WD to decide 受理 or 补正
    urgent_accept_days: int = 0     # emergencies are handled the same day
    investigation_start_days: int = 3  # WD from 受理 to the start of the home visit / data check
    township_check_days: int = 10   # WD for the township's investigation and 初审
    public_notice_days: int = 7     # calendar days, never working days
    county_days: int = 10           # WD for the county's 审核确认
    total_days: int = 30            # WD for the whole procedure from 受理
    township_approval_limit: int = 500  # yuan the township may approve itself (临时救助 and 先行救助)


DEFAULTS: dict[str, TimeLimits] = {
    "dibao": TimeLimits(township_check_days=12, county_days=10, total_days=30),
    "temporary_relief": TimeLimits(township_check_days=7, county_days=5, total_days=15),
    "child_welfare": TimeLimits(township_check_days=15, county_days=15, total_days=30),
}

# Schemes inside an intake with limits of their own (特困 within 低保, 孤儿 within child welfare).
SCHEME_DEFAULTS: dict[str, dict] = {
    "tekun": {"township_check_days": 15, "county_days": 15, "total_days": 30},
    "orphan": {"township_check_days": 10, "county_days": 10},
    "de_facto_unsupported": {"township_check_days": 15, "county_days": 15},
}

SCHEMES = {
    "dibao": ("dibao", "tekun", "dibao_edge"),
    "temporary_relief": ("emergency", "expenditure"),
    "child_welfare": ("orphan", "de_facto_unsupported", "child_in_difficulty"),
}

_FIELD_NAMES = {f.name for f in fields(TimeLimits)}


def limits_for(intake: str, scheme: str | None = None, overrides: dict | None = None) -> TimeLimits:
    """Defaults for the intake, then the scheme, then the county's overrides ({intake: {...}, scheme: {...}})."""
    limits = DEFAULTS[intake]
    layers = [SCHEME_DEFAULTS.get(scheme or "", {})]
    if overrides:
        layers += [overrides.get(intake) or {}, overrides.get(scheme or "") or {}]
    for layer in layers:
        clean = {k: int(v) for k, v in layer.items() if k in _FIELD_NAMES}
        if clean:
            limits = replace(limits, **clean)
    return limits
