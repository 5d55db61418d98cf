"""Back-off schedule and the verdict on each kind of failed send."""

import pytest

from service.notify import policy
from service.notify.sms_client import SMSPermanentError, SMSTransientError
from service.wechat.api_client import TokenInvalid, WeChatAPIError


def test_backoff_doubles_from_the_base_and_stops_at_the_cap():
    low = [policy.backoff_delay(n, base=30, cap=3600, rng=lambda: 0.0) for n in range(1, 10)]
    high = [policy.backoff_delay(n, base=30, cap=3600, rng=lambda: 1.0) for n in range(1, 10)]
    assert high[:5] == [30, 60, 120, 240, 480]
    assert low[:3] == [15, 30, 60]
    assert high[-1] == 3600 and low[-1] == 1800


def test_jitter_spreads_retries_inside_the_step_but_never_to_zero():
    delays = {round(policy.backoff_delay(3, base=10, cap=1000), 3) for _ in range(200)}
    assert len(delays) > 50
    assert all(20 <= d <= 40 for d in delays)


def test_backoff_counts_attempts_from_one_and_survives_huge_counts():
    with pytest.raises(ValueError):
        policy.backoff_delay(0, base=1, cap=10)
    assert policy.backoff_delay(10_000, base=1, cap=10, rng=lambda: 1.0) == 10


def test_schedule_lists_the_waits_before_the_row_is_dead_lettered():
    assert policy.schedule(4, base=30, cap=100) == [(15, 30), (30, 60), (50, 100)]


@pytest.mark.parametrize("exc, channel, action", [
    (WeChatAPIError(43004, "require subscribe"), "wechat_template", policy.FALLBACK),
    (WeChatAPIError(43101, "user refuse"), "wechat_template", policy.FALLBACK),
    (WeChatAPIError(40003, "invalid openid"), "wechat_template", policy.FALLBACK),
    (WeChatAPIError(45015, "out of time limit"), "wechat_cs", policy.FALLBACK),
    (WeChatAPIError(45047, "quota"), "wechat_cs", policy.FALLBACK),
    (WeChatAPIError(-1, "busy"), "wechat_template", policy.RETRY),
    (WeChatAPIError(45011, "minute quota"), "wechat_template", policy.SLOW_DOWN),
    (WeChatAPIError(45009, "daily quota"), "wechat_template", policy.SLOW_DOWN),
    (WeChatAPIError(45047, "quota"), "wechat_template", policy.SLOW_DOWN),
    (WeChatAPIError(45011, "minute quota"), "wechat_cs", policy.SLOW_DOWN),
    (WeChatAPIError(None, "timeout", reason="timeout"), "wechat_template", policy.RETRY),
    (WeChatAPIError(None, "ConnectionError", reason="connection"), "wechat_cs", policy.RETRY),
    (WeChatAPIError(None, "HTTP 502", http_status=502, reason="http"), "wechat_template", policy.RETRY),
    (WeChatAPIError(None, "token lock timeout", reason="lock"), "wechat_template", policy.RETRY),
    (TokenInvalid(40001, "invalid credential"), "wechat_template", policy.RETRY),
    (WeChatAPIError(47003, "argument invalid"), "wechat_template", policy.DEAD),
    (WeChatAPIError(40037, "invalid template_id"), "wechat_template", policy.DEAD),
    (WeChatAPIError(None, "HTTP 404", http_status=404, reason="http"), "wechat_template", policy.DEAD),
    (SMSTransientError("HTTP 503", http_status=503), "sms", policy.RETRY),
    (SMSTransientError("timeout"), "sms", policy.RETRY),
    (SMSPermanentError("refused: invalid phone", http_status=400), "sms", policy.DEAD),
])
def test_verdicts(exc, channel, action):
    assert policy.judge(exc, channel=channel).action == action


def test_reasons_are_chinese_for_staff_and_keep_the_wechat_code():
    assert policy.judge(WeChatAPIError(43004, "require subscribe"), channel="wechat_template").reason \
        == "申请人未关注公众号（43004）"
    assert policy.describe(WeChatAPIError(None, "HTTP 503", http_status=503, reason="http")) \
        == "微信接口服务器错误（HTTP 503）"
    assert "短信网关拒收" in policy.describe(SMSPermanentError("refused: invalid phone", http_status=400))


def test_anything_but_a_send_failure_is_a_bug_not_a_verdict():
    with pytest.raises(TypeError):
        policy.judge(RuntimeError("bug"), channel="sms")
