"""Materials: the rules of the clerk's marks on each item (received, waived with a reason, looked up on a
platform). Which items an intake asks for is its procedure definition's (procedures.checklist_for)."""

from dataclasses import dataclass

from service.errors import InvalidInput

STATUSES = {"pending": "未提交", "requested": "已告知补正", "received": "已收到", "waived": "免于提交",
            "looked_up": "已通过平台查询"}
SETTLED = ("received", "waived", "looked_up")  # nothing more is owed for the item
MARKS = ("received", "waived", "looked_up", "pending")  # what a clerk may set ("pending": undo a mark)
# platforms a county commonly checks instead of asking for paper (DOMAIN.md: never demand what can be looked up)
PLATFORMS = ("全国一体化政务服务平台", "公安人口信息（户籍、身份证）", "居民家庭经济状况核对系统", "残联残疾人证信息",
             "不动产登记信息", "社保（养老、医保）信息", "民政婚姻登记信息", "其他政务平台")


@dataclass(frozen=True)
class Mark:
    """A clerk's mark on one item, checked: the status and what it needs (a waiver's reason, a platform)."""

    status: str
    waived_reason: str | None = None
    platform: str | None = None

    def describe(self, name: str) -> str:
        """The history line, as staff read it."""
        text = f"{name}：{STATUSES[self.status]}"
        if self.waived_reason:
            text += f"（理由：{self.waived_reason}）"
        if self.platform:
            text += f"（{self.platform}）"
        return text


def check_mark(status: str, reason: str | None, platform: str | None) -> Mark:
    """The mark, or InvalidInput with the Chinese message per field."""
    reason, platform = (reason or "").strip(), (platform or "").strip()
    if status not in MARKS:
        raise InvalidInput(fields={"status": ["请选择：已收到、免于提交、已通过平台查询或改回未提交"]})
    if status == "waived":
        if len(reason) < 2:
            raise InvalidInput(fields={"reason": ["免于提交须写明理由（至少 2 个字），如「无劳动能力证明不适用」"]})
        if len(reason) > 200:
            raise InvalidInput(fields={"reason": ["理由最多 200 个字"]})
        return Mark(status, waived_reason=reason)
    if status == "looked_up":
        if len(platform) < 2 or len(platform) > 60:
            raise InvalidInput(fields={"platform": ["请写明通过哪个平台查询（2 到 60 个字）"]})
        return Mark(status, platform=platform)
    return Mark(status)


def missing(items: list[tuple[str, bool, str]]) -> list[str]:
    """Names of required items nothing has settled yet, from (name, required, status) in checklist order."""
    return [name for name, required, status in items if required and status not in SETTLED]


def check_request(listed: list[str], items: list[tuple[str, bool, str]]) -> None:
    """补正 asks only for what is still owed: an item received, waived or looked up is never asked for again."""
    settled = {name: status for name, _required, status in items if status in SETTLED}
    asked = [f"{name}（{STATUSES[settled[name]]}）" for name in listed if name in settled]
    if asked:
        raise InvalidInput(fields={"missing": ["以下材料已不需补交，请不要再要求：" + "、".join(asked)]})
