"""The WeChat adapter of the sender port (sender.py): template and customer-service (客服) messages through
service.wechat.api_client, and what each of WeChat's answers means for the worker. WeChat's error codes
live here and nowhere else in the notices.

- refused because of the user (43004 not following, 43101 refused, 40003 bad openid), or a
  customer-service window that closed (45015 after 48 h, 45047 that user's message quota): FALLBACK to SMS;
- the platform says "too many" (45011 minute quota, 45009 daily quota, 45047 on a template send):
  SLOW_DOWN, never dead-letter (the notice is fine, only the timing is not); 45011 is `brief`;
- transient (-1 busy, timeouts, connection trouble, 5xx, a token still invalid after the client's one
  refresh on 40001/42001/40014): RETRY with back-off;
- anything else (47003 bad field, 40037 bad template, 404, ...): DEAD with the reason.
"""

from __future__ import annotations

from service.notify.media import EXPIRED, MAX_BYTES, Media
from service.notify.models import WECHAT_CS, WECHAT_TEMPLATE
from service.notify.sender import DEAD, FALLBACK, RETRY, SLOW_DOWN, Outgoing, SendFailed
from service.wechat.api_client import WeChatAPIError, WeChatClient

USER_REFUSED = {43004: "申请人未关注公众号", 43101: "申请人拒收公众号消息", 40003: "微信用户标识无效"}
CS_WINDOW = {45015: "已超出48小时客服消息时限", 45047: "客服消息条数已达上限"}
QUOTA = {45009: "公众号今日接口调用次数已用完", 45011: "微信接口调用过于频繁", 45047: "客服消息条数已达上限"}
MINUTE_QUOTA = 45011  # resets within the minute; the others need a longer pause
WECHAT_MESSAGES = {
    -1: "微信系统繁忙", 40001: "微信接口凭证失效", 42001: "微信接口凭证过期",
    40014: "微信接口凭证无效", 47003: "模板消息字段不合规则", 40037: "模板消息ID无效", 40033: "消息编码不正确",
    44004: "消息内容为空",
}
TRANSPORT_MESSAGES = {
    "timeout": "连接微信接口超时", "connection": "连接不上微信接口", "http": "微信接口服务器错误",
    "lock": "等待接口凭证刷新超时", "bad_response": "微信接口返回内容无法识别", "too_large": "图片超过10MB",
}
MEDIA_GONE = {40007}  # invalid media_id: unknown, or past WeChat's 3 days


class WeChatSender:
    """Sends WECHAT_TEMPLATE and WECHAT_CS messages with one WeChatClient (its shared token store)."""

    channels = (WECHAT_TEMPLATE, WECHAT_CS)

    def __init__(self, client: WeChatClient):
        self.client = client

    def send(self, message: Outgoing) -> int | None:
        if message.channel not in self.channels:
            raise ValueError(f"not a WeChat channel: {message.channel}")
        try:
            if message.channel == WECHAT_TEMPLATE:
                return self.client.send_template(message.openid, message.template_id, message.fields,
                                                 url=message.url, client_msg_id=message.key)
            self.client.send_text(message.openid, message.text)
            return None
        except WeChatAPIError as exc:
            raise failure(exc, channel=message.channel) from exc


def describe(exc: WeChatAPIError) -> str:
    """A short Chinese description of a failed call, with WeChat's code where there is one."""
    if exc.errcode is not None:
        known = {**USER_REFUSED, **CS_WINDOW, **QUOTA, **WECHAT_MESSAGES}
        return f"{known.get(exc.errcode, '微信接口返回错误')}（{exc.errcode}）"
    status = f"（HTTP {exc.http_status}）" if exc.http_status else ""
    return TRANSPORT_MESSAGES.get(exc.reason, "调用微信接口失败") + status


def failure(exc: WeChatAPIError, *, channel: str) -> SendFailed:
    """The port-level outcome of one failed call over `channel` (wechat_template | wechat_cs)."""
    reason = describe(exc)
    if exc.errcode in USER_REFUSED:
        return SendFailed(FALLBACK, reason)
    if channel == WECHAT_CS and exc.errcode in CS_WINDOW:
        return SendFailed(FALLBACK, reason)  # that one user's window, not the account's quota
    if exc.errcode in QUOTA:
        return SendFailed(SLOW_DOWN, reason, brief=exc.errcode == MINUTE_QUOTA)
    if exc.transient:
        return SendFailed(RETRY, reason)
    return SendFailed(DEAD, reason)


class WeChatMediaFetcher:
    """The media port (media.MediaFetcher) over one WeChatClient: a chat photo's bytes, or SendFailed."""

    def __init__(self, client: WeChatClient, max_bytes: int = MAX_BYTES):
        self.client, self.max_bytes = client, max_bytes

    def fetch(self, media_id: str) -> Media:
        try:
            content, content_type = self.client.get_media(media_id, max_bytes=self.max_bytes)
        except WeChatAPIError as exc:
            if exc.errcode in MEDIA_GONE:
                raise SendFailed(DEAD, f"{EXPIRED}（{exc.errcode}）") from exc
            found = failure(exc, channel="wechat_media")
            # no SMS can carry a photo: a refusal is as final as a bad field
            raise (SendFailed(DEAD, found.reason) if found.outcome == FALLBACK else found) from exc
        return Media(content, content_type)
