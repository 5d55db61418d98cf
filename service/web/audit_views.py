"""审计日志: the audit trail for the county's auditor, filterable by event and user name."""

import json

from flask import render_template, request

from service.auth import audit
from service.request_limits import bounded_int
from service.web.pages import bp, require_staff


@bp.route("/audit")
@require_staff(audit.AUDITOR, refusal="审计日志只有审计员可以查看")
def audit_log(actor):
    event = request.args.get("event") or None
    event = event if event in audit.EVENT_LABELS else None
    username = (request.args.get("username") or "").strip()[:40] or None
    listing = audit.list_audit(actor, event=event, username=username, before_id=request.args.get("before", type=bounded_int))
    return render_template("audit.html", listing=listing, events=audit.EVENT_LABELS, event=event,
                           username=username or "")


FIELD_LABELS = {"active": "启用", "township": "乡镇", "must_change_password": "须本人改密码", "locked": "锁定",
                "tokens_revoked": "吊销的令牌", "name": "名称", "code": "代码", "hotline": "热线", "role": "角色",
                "office_hours": "办公时间", "faq": "常见问题", "notify": "通知模板", "menu": "微信菜单",
                "added": "新增", "renamed": "改名", "moved": "坐标", "coded": "补上代码", "username": "用户名",
                "display_name": "姓名", "role_label": "角色"}


@bp.app_template_filter("change_lines")
def _change_lines(details: dict | None) -> list[str]:
    """An administration row's before → after, one line per field, as the auditor reads it."""
    if not details:
        return []
    before, after = details.get("before"), details.get("after")
    lines = []
    if isinstance(before, dict) or isinstance(after, dict):
        for key in sorted(set(before or {}) | set(after or {})):
            old, new = (before or {}).get(key), (after or {}).get(key)
            if old != new and (old or new):
                lines.append(f"{FIELD_LABELS.get(key, key)}：{_shown(old)} → {_shown(new)}")
    else:
        lines.append(f"{_shown(before)} → {_shown(after)}")
    if details.get("via"):
        lines.append(f"操作来源：{details['via']}")
    return lines


def _shown(value) -> str:
    if value is None or value == []:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:299] + "…"
