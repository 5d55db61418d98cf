"""County settings as data the county edits (hotline, office hours, FAQ, notice wording and WeChat template
IDs, the custom menu): pure checks with Chinese messages, and what a key falls back to when unset.

The chat (service.chat.ports) and the notices (service.notify) read these keys; a value that passes
here cannot break them (an FAQ answer with a stray brace would fail the chat's str.format, a menu key the
chat does not know would answer every tap with "unknown").
"""

from __future__ import annotations

import json
import re
from importlib import resources
from string import Formatter

from service.intake import procedures
from service.notify import wording

KEYS = ("hotline", "office_hours", "faq", "notify", "menu", "procedures")
FAQ_PLACEHOLDERS = ("county", "hotline", "office_hours")  # what service.chat.ports' FAQ answers may use
FAQ_MAX_ENTRIES, FAQ_MAX_KEYWORDS, FAQ_ANSWER_MAX = 50, 12, 500
MENU_KEYS = {"APPLY": "我要申请", "PROGRESS": "进度查询", "POLICY": "政策问答", "CONTACT": "联系我们"}
NOTICE_FIELDS = ("title", "next", "text")
_HOTLINE = re.compile(r"^[0-9+\-() ]{3,20}$")
_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def packaged_menu() -> dict:
    return json.loads(resources.files("service.wechat").joinpath("data/menu.json").read_text("utf-8"))


def menu_of(settings: dict | None) -> dict:
    """The county's own menu, or the packaged one (service/wechat/data/menu.json)."""
    return (settings or {}).get("menu") or packaged_menu()


def problems(key: str, value) -> list[str]:
    """What is wrong with `value` for settings[key]; empty when it may be saved. None removes a key."""
    if key not in KEYS:
        return [f"没有这项设置：{key}"]
    if value is None:
        return []
    return {"hotline": _hotline, "office_hours": _office_hours, "faq": _faq, "notify": _notify,
            "menu": _menu, "procedures": procedures.problems}[key](value)


def _hotline(value) -> list[str]:
    if not isinstance(value, str) or not _HOTLINE.match(value.strip()) or sum(c.isdigit() for c in value) < 3:
        return ["热线电话只能包含数字、空格和 + - ( )，3–20 位，如 0561-12345"]
    return []


def _office_hours(value) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return ["办公时间不能为空"]
    if len(value) > 60 or _ONE_LINE.search(value):
        return ["办公时间写成一行，最多 60 个字"]
    return []


def _placeholder_problem(text: str, allowed: tuple[str, ...]) -> str | None:
    try:
        names = [name for _, name, spec, conv in Formatter().parse(text) if name is not None]
    except ValueError:
        return "大括号不成对：{ } 只用于 " + "、".join("{" + a + "}" for a in allowed) + "，其他地方不要用"
    unknown = [n for n in names if n not in allowed]
    if unknown:
        return f"不认识的占位符 {{{unknown[0]}}}：只能用 " + "、".join("{" + a + "}" for a in allowed)
    return None


def _faq(value) -> list[str]:
    if not isinstance(value, list):
        return ["常见问题应为问答列表"]
    if len(value) > FAQ_MAX_ENTRIES:
        return [f"常见问题最多 {FAQ_MAX_ENTRIES} 条"]
    found = []
    for number, entry in enumerate(value, 1):
        keywords = entry.get("keywords") if isinstance(entry, dict) else None
        answer = entry.get("answer") if isinstance(entry, dict) else None
        if not isinstance(keywords, list) or not keywords or not all(isinstance(k, str) and k.strip() for k in keywords):
            found.append(f"第 {number} 条：至少填一个关键词")
        elif len(keywords) > FAQ_MAX_KEYWORDS or any(len(k) > 10 for k in keywords):
            found.append(f"第 {number} 条：关键词最多 {FAQ_MAX_KEYWORDS} 个，每个最多 10 个字")
        if not isinstance(answer, str) or not answer.strip():
            found.append(f"第 {number} 条：回答不能为空")
        elif len(answer) > FAQ_ANSWER_MAX:
            found.append(f"第 {number} 条：回答最多 {FAQ_ANSWER_MAX} 个字（微信消息宜短）")
        elif problem := _placeholder_problem(answer, FAQ_PLACEHOLDERS):
            found.append(f"第 {number} 条：{problem}")
    return found


def _notify(value) -> list[str]:
    if not isinstance(value, dict):
        return ["通知设置应为对象"]
    found = list(wording.problems(value))
    kinds = wording.defaults()["kinds"]
    for kind, spec in (value.get("kinds") or {}).items():
        if kind not in kinds:
            found.append(f"没有这种通知：{kind}")
            continue
        for name in NOTICE_FIELDS:
            text = (spec or {}).get(name)
            if text is not None and (not isinstance(text, str) or (name != "text" and _ONE_LINE.search(text))):
                found.append(f"{kind}.{name}：应为一行文字")
        template_id = ((spec or {}).get("wechat") or {}).get("template_id")
        if template_id is not None and not _template_id_ok(template_id):
            found.append(f"{kind} 的模板ID格式不正确（应为微信后台“模板消息”里的模板ID，字母数字和 - _）")
    template_id = (value.get("wechat") or {}).get("template_id")
    if template_id is not None and not _template_id_ok(template_id):
        found.append("模板ID格式不正确（应为微信后台“模板消息”里的模板ID，字母数字和 - _）")
    sign = value.get("sms_sign")
    if sign is not None and (not isinstance(sign, str) or len(sign) > 40 or _ONE_LINE.search(sign)):
        found.append("短信签名写成一行，最多 40 个字，如【濉溪县民政局】")
    return found


def _template_id_ok(value) -> bool:
    return isinstance(value, str) and (value == "" or re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value) is not None)


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _menu(value) -> list[str]:
    """WeChat's custom-menu rules: 1–3 buttons of ≤4 汉字 (16 bytes), each with 1–5 sub-buttons of ≤8 汉字
    (60 bytes) or a click key the chat answers / an https link."""
    buttons = value.get("button") if isinstance(value, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return ["菜单应有 1–3 个一级按钮"]
    found = []
    for i, button in enumerate(buttons, 1):
        if not isinstance(button, dict):
            found.append(f"第 {i} 个按钮格式不正确")
            continue
        found += _button(button, f"第 {i} 个按钮", 4, 16)
        subs = button.get("sub_button")
        if subs is None:
            continue
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            found.append(f"第 {i} 个按钮的子菜单应有 1–5 项")
            continue
        for j, sub in enumerate(subs, 1):
            found += _button(sub, f"第 {i} 个按钮的第 {j} 项", 8, 60, sub=True) if isinstance(sub, dict) else \
                [f"第 {i} 个按钮的第 {j} 项格式不正确"]
    return found


def _button(button: dict, where: str, max_chars: int, max_bytes: int, sub: bool = False) -> list[str]:
    name = button.get("name")
    found = []
    if not isinstance(name, str) or not name.strip():
        found.append(f"{where}：名称不能为空")
    elif len(name) > max_chars or _bytes(name) > max_bytes:  # WeChat shows more as "…"; bytes: its API limit
        found.append(f"{where}「{name}」太长：最多 {max_chars} 个汉字")
    if not sub and "sub_button" in button:
        return found
    kind = button.get("type")
    if kind == "click":
        if button.get("key") not in MENU_KEYS:
            known = "、".join(f"{k}（{v}）" for k, v in MENU_KEYS.items())
            found.append(f"{where}：点击按钮的 key 只能是 {known}")
    elif kind == "view":
        url = button.get("url")
        if not isinstance(url, str) or not re.match(r"^https://\S+$", url) or _bytes(url) > 1024:
            found.append(f"{where}：链接应以 https:// 开头")
    else:
        found.append(f"{where}：类型应为 click（点击）或 view（打开链接）")
    return found
