"""Which inputs each workflow action asks for on the detail page, and how a posted form becomes its params.

The checks themselves stay in service.intake.workflow; this only reads the form the way the API reads JSON.
"""

from service.intake import guessing
from service.intake import workflow as wf
from service.intake.casework_access import EVENT_LABELS

# action -> the inputs it needs; actions not listed are one button with nothing to fill in
ACTION_INPUTS = {
    "request_materials": ("missing", "missing_other"),
    "approve": ("amount", "first_month", "amount_reason", "confirm_missing"),
    "emergency_aid": ("amount",),
    "reject": ("reason",),
    "transfer": ("to_intake",),
    "refer": ("department", "contact"),
    "withdraw": ("reason",),
    "reinvestigate": ("reason",),
}
# the order buttons appear in: the usual next step first, the ways out last
ACTION_ORDER = (
    "accept", "receive_materials", "start_investigation", "start_public_notice", "submit_to_county", "approve",
    "emergency_aid", "request_materials", "reinvestigate", "transfer", "refer", "reject", "withdraw",
)
DANGER = {"reject", "withdraw"}
HISTORY_LABELS = {"submit": "登记", "claim": "认领", guessing.NOTE_ACTION: "疑似有人猜测查询信息", **wf.ACTION_LABELS,
                  "file_confirm": "档案已按本申请更新", "file_reject": "不采用与档案不同的内容",
                  "follower_removed": "移除微信关注", "wechat_bound": "微信绑定关注", "resident_note": "申请人补充情况",
                  "resident_material": "居民通过微信发来图片材料",
                  "material_uploaded": "窗口上传材料照片", **EVENT_LABELS, "material_marked": "核对材料"}


def ordered(allowed: list[dict]) -> list[dict]:
    rank = {a: i for i, a in enumerate(ACTION_ORDER)}
    return sorted(allowed, key=lambda a: rank.get(a["action"], 99))


def params_from_form(action: str, form) -> dict:
    """The params dict services.act takes, from the posted form fields this action asks for."""
    params: dict = {}
    for name in ACTION_INPUTS.get(action, ()):
        if name == "missing":
            params["missing"] = [m.strip() for m in form.getlist("missing") if m.strip()]
        elif name == "confirm_missing":  # a checkbox: the explicit confirmation the use case asks for
            params["confirm_missing"] = form.get("confirm_missing") == "1"
        elif name == "missing_other":
            extra = [line.strip(" ，,、;；") for line in form.get("missing_other", "").splitlines()]
            params.setdefault("missing", []).extend(line for line in extra if line)
        else:
            params[name] = form.get(name, "").strip()
    return {k: v for k, v in params.items() if v not in (None, "")}


def highlight(text: str, keywords: list[str]) -> list[tuple[str, bool]]:
    """The resident's words split into (segment, is_deciding_word) so the template can mark them."""
    words = sorted({k for k in keywords if k}, key=len, reverse=True)
    segments: list[tuple[str, bool]] = []
    i, plain = 0, ""
    while i < len(text):
        hit = next((w for w in words if text.startswith(w, i)), None)
        if hit:
            if plain:
                segments.append((plain, False))
                plain = ""
            segments.append((hit, True))
            i += len(hit)
        else:
            plain += text[i]
            i += 1
    if plain:
        segments.append((plain, False))
    return segments
