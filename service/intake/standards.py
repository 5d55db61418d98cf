"""A county's assistance standards as data with effective dates (pure: no Flask, no database).

Every number the means test uses is here: the 低保 standard (urban and rural), what income counts, the
asset limits, the 低保边缘 multiple, 渐退期, 特困 and 临时救助 amounts. A county keeps several versions;
the one in force on a day is the newest that took effect on or before it. DEFAULTS come from DOMAIN.md's
seeds; what the seeds do not give (the urban standard, the deposit limit) stays unset until the county
sets it, and the means test says so instead of guessing.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from service.errors import InvalidInput
from service.intake.household_terms import CARE_LEVELS, INCOME_KINDS, SEVERITIES


@dataclass(frozen=True)
class Standards:
    effective_from: dt.date
    rural_monthly: Decimal                 # 元/月 per person
    urban_monthly: Decimal | None          # None: not set by the county
    employment_deduction: Decimal          # share of wage income not counted (就业成本扣减), 0.2 = 20 %
    exempt_kinds: tuple[str, ...]          # income kinds not counted (收入豁免)
    deposit_months: int | None             # deposits + securities per head ≤ months × standard; None: not set
    car_value_limit: Decimal | None        # None: any car that is not a disabled person's or a work tool fails
    max_homes: int                         # more homes than this fails
    commercial_property_allowed: bool
    floor_per_person: Decimal | None       # lowest benefit per counted member, where the county sets one
    edge_multiple: Decimal                 # 低保边缘: per capita below this × standard
    taper_months: int                      # 渐退期
    tekun_multiple: Decimal                # 特困 basic living standard ≥ this × the 低保 standard
    tekun_yearly: Decimal | None           # 特困 basic living standard as an amount (元/年), when set
    care_yearly: Mapping[str, Decimal] = field(default_factory=dict)       # 特困 care by CARE_LEVELS (元/年)
    relief_multiples: Mapping[str, Decimal] = field(default_factory=dict)  # 临时救助 by SEVERITIES
    basis: str | None = None               # the county's document (文件依据)
    is_default: bool = False               # the packaged defaults, no county version in force

    def monthly(self, area: str) -> Decimal | None:
        return self.urban_monthly if area == "urban" else self.rural_monthly

    def unset(self) -> list[str]:
        """What the county has not set yet, in the words the means test shows."""
        missing = []
        if self.urban_monthly is None:
            missing.append("城市低保标准")
        if self.deposit_months is None:
            missing.append("存款及有价证券限额")
        return missing


DEFAULTS = Standards(
    effective_from=dt.date(2000, 1, 1),
    rural_monthly=Decimal("439"),  # 清水县 2022: 5,268 元/年
    urban_monthly=None,
    employment_deduction=Decimal("0.2"),  # DOMAIN.md's worked example
    exempt_kinds=("social_assistance", "disability_subsidy", "special_care", "scholarship", "reward",
                  "family_planning"),
    deposit_months=None, car_value_limit=None, max_homes=1, commercial_property_allowed=False,
    floor_per_person=None, edge_multiple=Decimal("1.5"), taper_months=6,
    tekun_multiple=Decimal("1.3"), tekun_yearly=Decimal("7000"),
    care_yearly={"able": Decimal("300"), "partial": Decimal("2500"), "unable": Decimal("5000")},
    # seeds: 3 to 12 × the monthly standard; the middle tier is the county's to set
    relief_multiples={"minor": Decimal("3"), "serious": Decimal("6"), "grave": Decimal("12")},
    basis="系统默认值（DOMAIN.md 示例），请县民政局按本县文件设定",
    is_default=True,
)


@dataclass(frozen=True)
class Spec:
    label: str
    kind: str  # money | decimal | int | bool | kinds | text
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    places: int = 2
    optional: bool = False
    hint: str = ""


_MONEY = Decimal("100000")
FIELDS: dict[str, Spec] = {
    "rural_monthly": Spec("农村低保标准（元/月）", "money", Decimal(1), _MONEY),
    "urban_monthly": Spec("城市低保标准（元/月）", "money", Decimal(1), _MONEY, optional=True, hint="留空表示尚未设定"),
    "employment_deduction": Spec("就业成本扣减比例", "decimal", Decimal(0), Decimal("0.9"), 4,
                                 hint="占工资性收入的比例，0.2 即 20%"),
    "exempt_kinds": Spec("不计入的收入（收入豁免）", "kinds"),
    "deposit_months": Spec("人均存款及有价证券上限（月数×低保标准）", "int", Decimal(0), Decimal(240), optional=True,
                           hint="留空表示尚未设定"),
    "car_value_limit": Spec("自用车辆价值上限（元）", "money", Decimal(0), Decimal("10000000"), optional=True,
                            hint="留空：除残疾人代步车、谋生工具外，有车即不符合"),
    "max_homes": Spec("住房套数上限", "int", Decimal(1), Decimal(10)),
    "commercial_property_allowed": Spec("允许拥有商业用房", "bool"),
    "floor_per_person": Spec("每人每月保底金额（元）", "money", Decimal(0), _MONEY, optional=True, hint="留空表示不设保底"),
    "edge_multiple": Spec("低保边缘倍数", "decimal", Decimal(1), Decimal(5), hint="人均收入低于标准的多少倍为低保边缘"),
    "taper_months": Spec("渐退期（月）", "int", Decimal(0), Decimal(36)),
    "tekun_multiple": Spec("特困基本生活标准（低保标准的倍数）", "decimal", Decimal("1.3"), Decimal(5),
                           hint="国家规定不低于 1.3 倍"),
    "tekun_yearly": Spec("特困基本生活标准（元/年）", "money", Decimal(0), Decimal("1000000"), optional=True,
                         hint="与倍数同时设定时取较高者"),
    **{f"care_yearly.{code}": Spec(f"特困照料护理标准·{label}（元/年）", "money", Decimal(0), Decimal("1000000"))
       for code, label in CARE_LEVELS.items()},
    **{f"relief_multiples.{code}": Spec(f"临时救助倍数·{label}（×月低保标准）", "decimal", Decimal(0), Decimal(36))
       for code, label in SEVERITIES.items()},
    "basis": Spec("文件依据", "text", high=Decimal(200), optional=True, hint="如：濉民〔2026〕12号"),
}
_NESTED = ("care_yearly", "relief_multiples")
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_decimal(raw, spec: Spec) -> Decimal | None:
    """A bounded decimal from a string or a JSON number; ValueError with the Chinese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.optional:
            return None
        raise ValueError("此项必填")
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise ValueError("应为数字")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if len(text) > 30:
        raise ValueError("应为数字")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("应为数字，如 439 或 439.50") from None
    if not value.is_finite():
        raise ValueError("应为数字，如 439 或 439.50")
    if not spec.low <= value <= spec.high:
        raise ValueError(f"应在 {_plain(spec.low)} 到 {_plain(spec.high)} 之间")
    if spec.kind == "int" and value != value.to_integral_value():
        raise ValueError("应为整数")
    if value.as_tuple().exponent < -spec.places:
        raise ValueError(f"最多保留 {spec.places} 位小数")
    return int(value) if spec.kind == "int" else value.normalize() + 0  # + 0 turns -0 and 1E+2 into plain form


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def parse_date(raw) -> dt.date:
    if isinstance(raw, dt.date):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        try:
            if not _DAY.match(text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError("日期应在 2000 年到 2099 年之间")
    return value


def _flatten(changes: Mapping) -> dict:
    flat = {}
    for key, value in changes.items():
        if key in _NESTED and isinstance(value, Mapping):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def _parse_one(key: str, raw, spec: Spec):
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if raw in ("on", "true", "1", 1):
            return True
        if raw in ("", "false", "0", 0, None):
            return False
        raise ValueError("应为是或否")
    if spec.kind == "kinds":
        if not isinstance(raw, list | tuple) or not all(isinstance(k, str) for k in raw):
            raise ValueError("应为收入类别代码的列表")
        unknown = [k for k in raw if k not in INCOME_KINDS]
        if unknown:
            raise ValueError("没有这种收入类别：" + "、".join(unknown[:5])[:100])
        return tuple(dict.fromkeys(raw))
    if spec.kind == "text":
        if raw is not None and not isinstance(raw, str):
            raise ValueError("应为文字")
        text = (raw or "").strip()
        if len(text) > int(spec.high):
            raise ValueError(f"最多 {int(spec.high)} 个字")
        return text or None
    return parse_decimal(raw, spec)


def build(base: Standards, effective_from, changes: Mapping) -> Standards:
    """A new version: `base` (the one in force on that day) with `changes`; every problem at once, in Chinese.
    The basis (文件依据) is not inherited: each version names its own document."""
    errors: dict[str, list[str]] = {}
    try:
        day = parse_date(effective_from)
    except ValueError as exc:
        errors["effective_from"] = [str(exc)]
    # the document a version rests on is its own; everything else carries over from the base
    values = {"care_yearly": dict(base.care_yearly), "relief_multiples": dict(base.relief_multiples), "basis": None}
    for key, raw in _flatten(changes).items():
        if key in _NESTED:  # not an object: say what shape is expected, not "unknown field"
            subs = "、".join(k.partition(".")[2] for k in FIELDS if k.startswith(key + "."))
            errors[key] = [f"应为包含 {subs} 的对象"]
            continue
        spec = FIELDS.get(key)
        if spec is None:
            errors[key] = ["不支持的字段"]
            continue
        try:
            value = _parse_one(key, raw, spec)
        except ValueError as exc:
            errors[key] = [str(exc)]
            continue
        group, _, sub = key.partition(".")
        if sub:
            values[group][sub] = value
        else:
            values[key] = value
    if errors:
        raise InvalidInput(fields=errors)
    version = replace(base, **values, effective_from=day, is_default=False)
    _check_order(version)
    return version


def _check_order(version: Standards) -> None:
    tiers = [version.relief_multiples[k] for k in SEVERITIES]
    if tiers != sorted(tiers):
        raise InvalidInput(fields={"relief_multiples.serious": ["临时救助倍数应按一般、较重、严重从低到高"]})


def to_dict(version: Standards) -> dict:
    """As stored (JSON) and as the API shows it: decimals as strings, so no float ever touches an amount."""
    def text(value):
        return None if value is None else f"{value:f}"

    return {
        "effective_from": version.effective_from.isoformat(),
        "rural_monthly": text(version.rural_monthly), "urban_monthly": text(version.urban_monthly),
        "employment_deduction": text(version.employment_deduction), "exempt_kinds": list(version.exempt_kinds),
        "deposit_months": version.deposit_months, "car_value_limit": text(version.car_value_limit),
        "max_homes": version.max_homes, "commercial_property_allowed": version.commercial_property_allowed,
        "floor_per_person": text(version.floor_per_person), "edge_multiple": text(version.edge_multiple),
        "taper_months": version.taper_months, "tekun_multiple": text(version.tekun_multiple),
        "tekun_yearly": text(version.tekun_yearly),
        "care_yearly": {k: text(v) for k, v in version.care_yearly.items()},
        "relief_multiples": {k: text(v) for k, v in version.relief_multiples.items()},
        "basis": version.basis, "is_default": version.is_default, "unset": version.unset(),
    }


def from_dict(stored: Mapping) -> Standards:
    """A stored version back; keys the defaults have and the row lacks (added later) take the default."""
    def number(key, cast=Decimal):
        value = stored.get(key, getattr(DEFAULTS, key))
        return None if value is None else cast(value)

    return Standards(
        effective_from=dt.date.fromisoformat(stored["effective_from"]),
        rural_monthly=number("rural_monthly"), urban_monthly=number("urban_monthly"),
        employment_deduction=number("employment_deduction"),
        exempt_kinds=tuple(stored.get("exempt_kinds", DEFAULTS.exempt_kinds)),
        deposit_months=number("deposit_months", int), car_value_limit=number("car_value_limit"),
        max_homes=number("max_homes", int),
        commercial_property_allowed=bool(stored.get("commercial_property_allowed", False)),
        floor_per_person=number("floor_per_person"), edge_multiple=number("edge_multiple"),
        taper_months=number("taper_months", int), tekun_multiple=number("tekun_multiple"),
        tekun_yearly=number("tekun_yearly"),
        care_yearly={k: Decimal(v) for k, v in {**_texts(DEFAULTS.care_yearly), **stored.get("care_yearly", {})}.items()},
        relief_multiples={k: Decimal(v) for k, v in
                          {**_texts(DEFAULTS.relief_multiples), **stored.get("relief_multiples", {})}.items()},
        basis=stored.get("basis"),
    )


def _texts(values: Mapping) -> dict:
    return {k: str(v) for k, v in values.items()}


def standards_on(versions: Iterable[Standards], day: dt.date) -> Standards:
    """The version in force on `day`: the newest that took effect on or before it, else the defaults."""
    in_force = [v for v in versions if v.effective_from <= day]
    return max(in_force, key=lambda v: v.effective_from) if in_force else DEFAULTS
