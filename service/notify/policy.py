"""What to do after a send attempt, and when to try again: pure functions, no I/O.

- accepted: record it as sent;
- refused by WeChat because of the user (43004 not following, 43101 refused, 40003 bad openid) or a
  customer-service window that closed (45015, 45047): fall back to SMS when there is a phone;
- the platform says "too many" (45011 minute quota, 45009 daily quota, 45047 message quota on a
  template send): slow down, i.e. pause the account's sends and retry after the pause,
  never dead-letter (the notice is fine, only the timing is not);
- transient (-1 busy, timeouts, connection trouble, 5xx, a token still invalid after the one refresh):
  retry with exponential back-off and jitter, up to a limit;
- anything else (47003 bad field, 40037 bad template, a refused SMS): dead-letter with the reason.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from service.notify.sms_client import SMSError
from service.wechat.api_client import WeChatAPIError

RETRY, FALLBACK, DEAD, SLOW_DOWN = "retry", "fallback", "dead", "slow_down"

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
    "lock": "等待接口凭证刷新超时", "bad_response": "微信接口返回内容无法识别",
}


@dataclass(frozen=True)
class Verdict:
    action: str  # retry | fallback | dead | slow_down
    reason: str  # Chinese, for staff; never a phone number, openid or message text


def describe(exc: Exception) -> str:
    """A short Chinese description of a failed attempt, with WeChat's code where there is one."""
    if isinstance(exc, WeChatAPIError):
        if exc.errcode is not None:
            known = {**USER_REFUSED, **CS_WINDOW, **QUOTA, **WECHAT_MESSAGES}
            return f"{known.get(exc.errcode, '微信接口返回错误')}（{exc.errcode}）"
        status = f"（HTTP {exc.http_status}）" if exc.http_status else ""
        return TRANSPORT_MESSAGES.get(exc.reason, "调用微信接口失败") + status
    if isinstance(exc, SMSError):
        kind = "短信网关暂时不可用" if exc.transient else "短信网关拒收"
        status = f"（HTTP {exc.http_status}）" if exc.http_status else ""
        return f"{kind}{status}：{str(exc)[:80]}"
    return f"发送失败：{type(exc).__name__}"


def judge(exc: Exception, *, channel: str) -> Verdict:
    """The verdict on one failed attempt over `channel` (wechat_template | wechat_cs | sms)."""
    reason = describe(exc)
    if isinstance(exc, WeChatAPIError):
        if exc.errcode in USER_REFUSED:
            return Verdict(FALLBACK, reason)
        if channel == "wechat_cs" and exc.errcode in CS_WINDOW:
            return Verdict(FALLBACK, reason)
        if exc.errcode in QUOTA:
            return Verdict(SLOW_DOWN, reason)
        if exc.transient:
            return Verdict(RETRY, reason)
        return Verdict(DEAD, reason)
    if isinstance(exc, SMSError):
        return Verdict(RETRY if exc.transient else DEAD, reason)
    raise TypeError(f"not a send failure: {type(exc).__name__}")


def backoff_delay(attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped, with
    "equal jitter": half the step fixed, half random, so retries spread out but never collapse to 0."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    step = min(cap, base * (2 ** min(attempt - 1, 40)))
    return step / 2 + rng() * step / 2


def schedule(max_attempts: int, *, base: float, cap: float) -> list[tuple[float, float]]:
    """The (shortest, longest) wait after each failed attempt before the row is dead-lettered."""
    return [(backoff_delay(n, base=base, cap=cap, rng=lambda: 0.0),
             backoff_delay(n, base=base, cap=cap, rng=lambda: 1.0)) for n in range(1, max_attempts)]
