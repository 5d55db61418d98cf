"""One definition per intake, read by every layer: its names, the ordered steps and their rules, time
limits, materials and the sentence the applicant reads at each step (data/procedures.json).

A county overrides any part under settings["procedures"] like the notice wording (service.layered), the
waiting texts (20-character template fields, checked by problems()) as the tells; the
older settings["time_limits"] and settings["materials"] keys still lay over it. The legal rules cannot be
overridden away: problems() refuses a 低保 without 公示 or a child-welfare 公示. Pure: no Flask, no database.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources

from service import layered

log = logging.getLogger(__name__)

NOTICE = "public_notice"  # the step the law names 公示; calendar days, never working days
_CLOSED = ("approved", "rejected", "referred", "withdrawn")
WAITING_MAX = 20  # the waiting texts fill WeChat template fields: one line of at most 20 characters
_LONGEST_DUE = "12月31日"  # what {due} renders to at its longest
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")  # a template field is one line
LEGAL = {"dibao": "required", "child_welfare": "never"}  # 公示 rules no county setting may change


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


_LIMIT_NAMES = {f.name for f in fields(TimeLimits)}


@dataclass(frozen=True)
class Step:
    status: str
    name: str
    days: str | None = None      # the TimeLimits field that bounds this step
    calendar: bool = False       # counted in calendar days (公示)
    required: bool = True        # False: a county may take it or skip it (临时救助's short 公示)


@dataclass(frozen=True)
class Procedure:
    intake: str
    label: str                   # what staff read everywhere (pages, reports, errors)
    resident_label: str          # what the applicant reads (notices, chat, the lookup page)
    schemes: dict
    steps: tuple[Step, ...]
    materials: tuple[str, ...]
    township_approves: bool      # the township may approve up to its limit without the county
    emergency_aid: bool          # 先行救助 allowed
    no_public_notice: str | None  # why this intake is never publicly noticed, when it is not
    base_limits: dict
    scheme_limits: dict
    tells_by_status: dict
    limit_overrides: dict        # settings["time_limits"] of the county: {intake|scheme: {...}}
    chat_choice: str = ""        # how the chat offers it in a numbered choice
    chat_fields: tuple[str, ...] = ()  # what the chat asks, in order (service.chat.prompts.QUESTIONS keys)
    waiting_by_status: dict = field(default_factory=dict)  # {status: {"step": ..., "next": ...}}

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(s.status for s in self.steps)

    def step(self, status: str) -> Step | None:
        return next((s for s in self.steps if s.status == status), None)

    @property
    def has_public_notice(self) -> bool:
        return self.step(NOTICE) is not None

    @property
    def public_notice_required(self) -> bool:
        notice = self.step(NOTICE)
        return notice is not None and notice.required

    def limits(self, scheme: str | None = None) -> TimeLimits:
        """The intake's limits, then the scheme's, then the county's overrides for each."""
        limits = TimeLimits()
        layers = [self.base_limits, self.scheme_limits.get(scheme or "") or {},
                  self.limit_overrides.get(self.intake) or {}, self.limit_overrides.get(scheme or "") or {}]
        for layer in layers:
            clean = {k: int(v) for k, v in layer.items() if k in _LIMIT_NAMES}
            if clean:
                limits = replace(limits, **clean)
        return limits

    def waiting(self, status: str) -> dict:
        """What the applicant waits for at this step: {"step": its name, "next": what comes by {due}}; {} when
        nothing is pending (closed)."""
        return dict(self.waiting_by_status.get(status) or {})

    def tells(self, status: str, context: dict) -> str:
        """The sentence the applicant reads while the application is in `status`."""
        text = layered.render(self.tells_by_status.get(status, ""), context)
        if context.get("emergency_amount") and status not in _CLOSED:  # paid first, the procedure goes on
            text = layered.render(self.tells_by_status.get("emergency_aid", ""), context) + text
        return text


@lru_cache(maxsize=1)
def _packaged() -> dict:
    return json.loads(resources.files("service.intake").joinpath("data/procedures.json").read_text("utf-8"))


def packaged() -> dict:
    return copy.deepcopy(_packaged())


INTAKES: tuple[str, ...] = tuple(_packaged()["intakes"])
LABELS = {i: d["label"] for i, d in _packaged()["intakes"].items()}
RESIDENT_LABELS = {i: d["resident_label"] for i, d in _packaged()["intakes"].items()}
SCHEMES = {i: tuple(d["schemes"]) for i, d in _packaged()["intakes"].items()}


def _build(intake: str, raw: dict, tells: dict, waiting: dict, limit_overrides: dict) -> Procedure:
    return Procedure(
        intake=intake, label=raw["label"], resident_label=raw["resident_label"], schemes=dict(raw["schemes"]),
        steps=tuple(Step(**s) for s in raw["steps"]), materials=tuple(raw["materials"]),
        township_approves=bool(raw.get("township_approves")), emergency_aid=bool(raw.get("emergency_aid")),
        no_public_notice=raw.get("no_public_notice"), base_limits=dict(raw.get("time_limits") or {}),
        scheme_limits=dict(raw.get("scheme_time_limits") or {}), tells_by_status={**tells, **(raw.get("tells") or {})},
        limit_overrides=limit_overrides, chat_choice=(raw.get("chat") or {}).get("choice", raw["label"]),
        chat_fields=tuple((raw.get("chat") or {}).get("fields") or ()),
        waiting_by_status=layered.merge(copy.deepcopy(waiting), raw.get("waiting") or {}),
    )


def _merged(overrides: dict | None, legacy_materials: dict | None = None) -> dict:
    data = packaged()
    for intake, names in (legacy_materials or {}).items():  # settings["materials"], before "procedures"
        if intake in data["intakes"] and names:
            data["intakes"][intake]["materials"] = list(names)
    if overrides:
        for intake, extra in (overrides.get("intakes") or {}).items():
            if intake in data["intakes"] and isinstance(extra, dict):
                layered.merge(data["intakes"][intake], extra)
        layered.merge(data["tells"], overrides.get("tells") or {})
        layered.merge(data["waiting"], overrides.get("waiting") or {})
    return data


@lru_cache(maxsize=8)
def _default(intake: str) -> Procedure:
    data = _packaged()
    return _build(intake, copy.deepcopy(data["intakes"][intake]), data["tells"], data["waiting"], {})


def definition(intake: str, settings: dict | None = None) -> Procedure:
    """The intake's procedure for a county (its settings dict), or the packaged one."""
    settings = settings or {}
    keys = ("procedures", "materials", "time_limits")
    if not any(settings.get(k) for k in keys):
        return _default(intake)
    # a pure function of the settings' text: memoised, since every notice and page reads it
    return _for_county(intake, json.dumps({k: settings.get(k) for k in keys}, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=256)
def _for_county(intake: str, settings_text: str) -> Procedure:
    settings = json.loads(settings_text)
    overrides = settings.get("procedures")
    if overrides and problems(overrides):
        log.warning("county procedure settings unusable; using the packaged definition")
        overrides = None
    legacy_materials = settings.get("materials") or {}
    limits = settings.get("time_limits") or {}
    if not overrides and not legacy_materials.get(intake) and not limits:
        return _default(intake)
    data = _merged(overrides, legacy_materials)
    return _build(intake, data["intakes"][intake], data["tells"], data["waiting"], limits)


def limits_for(intake: str, scheme: str | None = None, overrides: dict | None = None) -> TimeLimits:
    """Defaults for the intake, then the scheme, then the county's overrides ({intake: {...}, scheme: {...}})."""
    return definition(intake, {"time_limits": overrides} if overrides else None).limits(scheme)


def checklist_for(intake: str, settings: dict | None) -> list[str]:
    return list(definition(intake, settings).materials)


def problems(overrides: dict | None) -> list[str]:
    """What is wrong with a county's settings["procedures"] (empty when usable); messages for staff."""
    if not overrides:
        return []
    if not isinstance(overrides, dict):
        return ["procedures 应为对象"]
    found = []
    for key, extra in (overrides.get("intakes") or {}).items():
        if key not in INTAKES or not isinstance(extra, dict):
            found.append(f"intakes.{key}：没有这个救助类别")
    for key in ("tells", "waiting"):
        if overrides.get(key) is not None and not isinstance(overrides[key], dict):
            found.append(f"{key}：应为对象")
    if found:
        return found
    data = _merged(overrides)
    found += _tells_problems(data["tells"], "tells")
    found += _waiting_problems(data["waiting"])
    for intake, raw in data["intakes"].items():
        found += [f"intakes.{intake}.{p}" for p in _intake_problems(intake, raw)]
    return found


def _waiting_problems(waiting) -> list[str]:
    """The waiting texts fill the notices' template fields: each a non-empty line of at most 20 characters
    once {due} is a date."""
    if not isinstance(waiting, dict):
        return ["waiting：应为对象"]
    found = []
    for status, texts in waiting.items():
        if not isinstance(texts, dict):
            found.append(f"waiting.{status}：应为对象（step、next）")
            continue
        for key, text in texts.items():
            where = f"waiting.{status}.{key}"
            if key not in ("step", "next"):
                found.append(f"{where}：只能设置 step（这一步的名称）和 next（接下来的事）")
            elif not isinstance(text, str) or not text.strip() or _CONTROL.search(text):
                found.append(f"{where}：告知申请人的话不能为空，且只能一行")
            elif len(text.replace("{due}", _LONGEST_DUE)) > WAITING_MAX:
                found.append(f"{where}：模板消息每项最多 {WAITING_MAX} 个字（日期按“{_LONGEST_DUE}”计）")
    return found


def _intake_problems(intake: str, raw: dict) -> list[str]:
    found = []
    steps = raw.get("steps")
    try:
        statuses = [Step(**s).status for s in steps]
    except (TypeError, ValueError):
        return ["steps：每一步应有 status 和 name"]
    if statuses[:1] != ["submitted"] or statuses[-1:] != ["approved"]:
        found.append("steps：应从 submitted（申请）开始，以 approved（批准）结束")
    notice = next((s for s in steps if s["status"] == NOTICE), None)
    if LEGAL.get(intake) == "never" and notice:
        found.append("steps：儿童福利申请不得公示（保护儿童）")
    if LEGAL.get(intake) == "required" and (notice is None or notice.get("required") is False):
        found.append("steps：低保须先公示再报县审核")
    if notice and "county_review" in statuses and statuses.index(NOTICE) > statuses.index("county_review"):
        found.append("steps：公示应在报县审核之前")
    if not isinstance(raw.get("materials"), list) or not all(isinstance(m, str) and m.strip() for m in raw["materials"]):
        found.append("materials：应为材料名称列表")
    for key, value in (raw.get("time_limits") or {}).items():
        if key not in _LIMIT_NAMES or not isinstance(value, int) or value < 0:
            found.append(f"time_limits.{key}：应为不小于 0 的整数")
    return found + _tells_problems(raw.get("tells") or {}, "tells") + _waiting_problems(raw.get("waiting") or {})


def _tells_problems(tells, where: str) -> list[str]:
    """The tells a county sets, at the top or per intake: one per known step, never empty."""
    if not isinstance(tells, dict):
        return [f"{where}：应为对象"]
    known = _packaged()["tells"]
    found = []
    for key, text in tells.items():
        if key not in known:
            found.append(f"{where}.{key}：没有这个步骤（可设置：{'、'.join(known)}）")
        elif not isinstance(text, str) or not text.strip():
            found.append(f"{where}.{key}：告知申请人的话不能为空")
    return found
