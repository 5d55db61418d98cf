"""What a notice says, from county-editable templates: pure functions, no database, no Flask.

Templates are data (templates.json, overridden per county under settings["notify"]): a long plain
text for SMS and customer-service messages, and short `title` / `next` lines that the WeChat template
field mapping places into ≤20-character, single-line values (WeChat's rules since 2023-05).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from service import layered

TEMPLATE_VALUE_MAX = 20
FORBIDDEN_FIELDS = ("first", "remark")  # retired by WeChat in 2023-05: sending them fails with 47003
_FIELD_KEY = re.compile(r"^[a-z_]+\d*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Message:
    kind: str
    text: str  # full plain Chinese, for SMS and customer-service messages
    fields: dict[str, str] = field(default_factory=dict)  # WeChat template data, already fitted
    template_id: str | None = None
    url: str | None = None


@lru_cache(maxsize=1)
def _defaults() -> dict:
    raw = resources.files("service.notify").joinpath("templates.json").read_text("utf-8")
    return json.loads(raw)


def defaults() -> dict:
    return copy.deepcopy(_defaults())


def merged(overrides: dict | None) -> dict:
    """The packaged defaults with a county's overrides laid over them, key by key."""
    return _merge(defaults(), overrides or {})


def _merge(base: dict, extra: dict) -> dict:
    # a county's field mapping replaces the default one whole: it belongs to its template
    return layered.merge(base, extra, whole=("fields",))


render = layered.render  # {name} placeholders; unknown names render empty


def one_line(value: str) -> str:
    """Control characters and line breaks become single spaces; ends trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value or "")).strip()


def fit(value: str, limit: int = TEMPLATE_VALUE_MAX) -> str:
    """One line of at most `limit` characters, cut with an ellipsis when longer."""
    value = one_line(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def plain(value: str) -> str:
    """SMS and customer-service text: one paragraph, no stray control characters, any length."""
    return one_line(value)


def compose(kind: str, context: dict, settings: dict, *, default_template_id: str = "") -> Message:
    """The message of `kind` for `context` under merged `settings` (see merged())."""
    spec = settings["kinds"][kind]
    ctx = dict(context)
    ctx["title"] = fit(render(spec.get("title", ""), ctx))
    ctx["next"] = fit(render(spec.get("next", ""), ctx))
    text = plain(render(spec.get("text", ""), ctx))
    wechat = {**settings.get("wechat", {}), **(spec.get("wechat") or {})}
    fields = {key: fit(render(tpl, ctx)) for key, tpl in (wechat.get("fields") or {}).items()}
    fields = {k: v for k, v in fields.items() if k not in FORBIDDEN_FIELDS and v}
    return Message(
        kind=kind, text=text, fields=fields,
        template_id=wechat.get("template_id") or default_template_id or None,
        url=render(wechat.get("url") or "", ctx) or None,
    )


def sms_sign(settings: dict, context: dict) -> str:
    """The county's signature put before every SMS (【濉溪县民政局】), cut to the column's 40 characters."""
    return render(settings.get("sms_sign", ""), context)[:40]


def problems(overrides: dict | None) -> list[str]:
    """What is wrong with a county's notify settings (empty when usable); messages for staff."""
    found: list[str] = []
    settings = merged(overrides)
    kinds = settings.get("kinds")
    if not isinstance(kinds, dict):
        return ["kinds 应为对象"]
    for where, wechat in [("wechat", settings.get("wechat") or {})] + [
        (f"kinds.{k}.wechat", (v or {}).get("wechat") or {}) for k, v in kinds.items() if isinstance(v, dict)
    ]:
        for key, tpl in (wechat.get("fields") or {}).items():
            if key in FORBIDDEN_FIELDS:
                found.append(f"{where}.fields：模板消息已不支持 {key} 字段（2023年5月起）")
            elif not _FIELD_KEY.match(key):
                found.append(f"{where}.fields：字段名 {key} 不正确，应如 thing2、character_string1")
            if not isinstance(tpl, str):
                found.append(f"{where}.fields.{key}：应为文字模板")
    for kind, spec in kinds.items():
        if kind.startswith("_"):
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("text"), str) or not spec["text"].strip():
            found.append(f"kinds.{kind}.text：短信正文不能为空")
    return found
