"""县设置 for the county's administrator: hotline and office hours, the chat's FAQ, notice wording and WeChat
template IDs, the custom menu. All through service.county.services.update_settings (checked, audited)."""

import json
import re

from flask import current_app, flash, redirect, render_template, request, url_for

from service.county import settings as county_settings
from service.county.services import county_by_id, update_settings
from service.errors import InvalidInput
from service.notify import wording
from service.notify.context import KIND_LABELS
from service.web.admin_staff_views import ADMIN_ROLES
from service.web.pages import bp, staff_page

FAQ_BLANKS = 3  # empty entries offered for new questions
NOTICE_KINDS = [k for k in KIND_LABELS if k != "cs_text"]  # cs_text is a staff member's own words
_SPLIT = re.compile(r"[,，、;；\s]+")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _save(actor, changes: dict) -> dict:
    return update_settings(actor.county_id, changes, by=actor, remote_addr=request.remote_addr)


def _saved(changed: dict, endpoint: str):
    flash("已保存。" if changed["changed"] else "没有改动。", "ok")
    return redirect(url_for(endpoint))


# ---- hotline, office hours, FAQ -------------------------------------------------------------------


@bp.route("/admin/settings", methods=["GET", "POST"])
@staff_page(*ADMIN_ROLES)
def admin_settings(actor):
    current = county_by_id(actor.county_id).settings or {}
    if request.method == "GET":
        return _settings_page(current, current.get("faq") or _packaged_faq())
    if request.form.get("restore_faq"):
        return _saved(_save(actor, {"faq": None}), "web.admin_settings")
    faq = _faq_from_form(request.form)
    changes = {"hotline": request.form.get("hotline", "").strip(),
               "office_hours": request.form.get("office_hours", "").strip(), "faq": faq}
    try:
        changed = _save(actor, changes)
    except InvalidInput as exc:
        return _settings_page({**current, **changes}, faq, exc.fields or {}, 422)
    return _saved(changed, "web.admin_settings")


def _packaged_faq() -> list[dict]:
    from service.chat.ports import packaged_faq

    return packaged_faq()


def _faq_from_form(form) -> list[dict]:
    entries = []
    for i in range(int(form.get("faq_count") or 0)):
        keywords = [k for k in _SPLIT.split(form.get(f"faq-{i}-keywords", "")) if k]
        answer = form.get(f"faq-{i}-answer", "").strip()
        if form.get(f"faq-{i}-delete") or (not keywords and not answer):
            continue
        entries.append({"keywords": keywords, "answer": answer})
    return entries


def _settings_page(values: dict, faq: list, errors: dict | None = None, status: int = 200):
    rows = [*faq, *({"keywords": [], "answer": ""} for _ in range(FAQ_BLANKS))]
    return render_template("admin_settings.html", values=values, faq=rows, errors=errors or {},
                           placeholders=county_settings.FAQ_PLACEHOLDERS, own_faq=bool(values.get("faq"))), status


# ---- notices --------------------------------------------------------------------------------------


@bp.route("/admin/notices", methods=["GET", "POST"])
@staff_page(*ADMIN_ROLES)
def admin_notices(actor):
    current = (county_by_id(actor.county_id).settings or {}).get("notify")
    if request.method == "GET":
        return _notices_page(wording.merged(current))
    overrides, fields_problem = _notify_from_form(request.form)
    try:
        if fields_problem:
            raise InvalidInput(fields={"notify": [fields_problem]})
        changed = _save(actor, {"notify": overrides or None})
    except InvalidInput as exc:
        return _notices_page(wording.merged(overrides), exc.fields or {}, 422)
    return _saved(changed, "web.admin_notices")


def _notify_from_form(form) -> tuple[dict, str | None]:
    """Only what differs from the packaged wording is kept: later improvements still reach untouched kinds."""
    defaults = wording.defaults()
    overrides: dict = {}
    sign = form.get("sms_sign", "").strip()
    if sign and sign != defaults["sms_sign"]:
        overrides["sms_sign"] = sign
    wechat: dict = {}
    if template_id := form.get("template_id", "").strip():
        wechat["template_id"] = template_id
    fields, problem = _field_mapping(form.get("fields", ""))
    if fields and fields != defaults["wechat"]["fields"]:
        wechat["fields"] = fields
    if wechat:
        overrides["wechat"] = wechat
    kinds = {}
    for kind in NOTICE_KINDS:
        default, spec = defaults["kinds"][kind], {}
        for name in county_settings.NOTICE_FIELDS:
            value = form.get(f"{kind}-{name}", "").strip()
            if value and value != default.get(name, ""):
                spec[name] = value
        if not form.get(f"{kind}-enabled"):
            spec["enabled"] = False
        if template_id := form.get(f"{kind}-template_id", "").strip():
            spec["wechat"] = {"template_id": template_id}
        if spec:
            kinds[kind] = spec
    if kinds:
        overrides["kinds"] = kinds
    return overrides, problem


def _field_mapping(text: str) -> tuple[dict, str | None]:
    """'thing2={title}' per line → {"thing2": "{title}"}."""
    mapping = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            return mapping, f"模板字段第 {number} 行应写成 字段名={{占位符}}，如 thing2={{title}}"
        mapping[key.strip()] = value.strip()
    return mapping, None


def _notices_page(merged: dict, errors: dict | None = None, status: int = 200):
    defaults = wording.defaults()
    kinds = [{
        "kind": kind, "label": KIND_LABELS[kind], "spec": merged["kinds"][kind], "default": defaults["kinds"][kind],
        "enabled": merged["kinds"][kind].get("enabled", True) is not False,
        "template_id": (merged["kinds"][kind].get("wechat") or {}).get("template_id", ""),
        "placeholders": sorted(set(_PLACEHOLDER.findall(" ".join(defaults["kinds"][kind].get(n, "")
                                                                   for n in county_settings.NOTICE_FIELDS)))),
    } for kind in NOTICE_KINDS]
    fields = "\n".join(f"{k}={v}" for k, v in (merged["wechat"].get("fields") or {}).items())
    return render_template("admin_notices.html", merged=merged, kinds=kinds, fields=fields, errors=errors or {},
                           env_template=current_app.config.get("NOTIFY_TEMPLATE_ID", "")), status


# ---- the WeChat menu ------------------------------------------------------------------------------


@bp.route("/admin/menu", methods=["GET", "POST"])
@staff_page(*ADMIN_ROLES)
def admin_menu(actor):
    current = county_by_id(actor.county_id).settings or {}
    if request.method == "GET":
        return _menu_page(json.dumps(county_settings.menu_of(current), ensure_ascii=False, indent=2),
                          own=bool(current.get("menu")))
    if request.form.get("restore"):
        return _saved(_save(actor, {"menu": None}), "web.admin_menu")
    text = request.form.get("menu", "")
    try:
        menu = json.loads(text)
    except ValueError as exc:
        return _menu_page(text, errors={"menu": [f"不是有效的 JSON（第 {getattr(exc, 'lineno', '?')} 行附近）"]},
                          status=422, own=bool(current.get("menu")))
    try:
        changed = _save(actor, {"menu": menu})
    except InvalidInput as exc:
        return _menu_page(text, errors=exc.fields or {}, status=422, own=bool(current.get("menu")))
    return _saved(changed, "web.admin_menu")


@bp.route("/admin/menu/push", methods=["POST"])
@staff_page(*ADMIN_ROLES)
def admin_menu_push(actor):
    from service.county.services import push_menu
    from service.notify.adapters import adapters
    from service.wechat.api_client import WeChatAPIError

    try:
        push_menu(actor.county_id, adapters(current_app).wechat(), by=actor, remote_addr=request.remote_addr)
    except WeChatAPIError as exc:
        flash(f"微信未接受菜单（{exc.errcode or exc.reason}）：请检查菜单内容和公众号的 AppID、AppSecret 后再试。", "error")
    else:
        flash("菜单已推送到微信，约 5 分钟内对关注者生效。", "ok")
    return redirect(url_for("web.admin_menu"))


def _menu_page(text: str, *, own: bool, errors: dict | None = None, status: int = 200):
    return render_template("admin_menu.html", text=text, own=own, errors=errors or {},
                           keys=county_settings.MENU_KEYS), status
