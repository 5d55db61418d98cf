"""The sender port's adapters: what each of WeChat's (and the SMS gateway's) answers means for the worker.
The WeChat codes are known here and nowhere else in the notices."""

import pytest

from service.notify.sender import DEAD, FALLBACK, RETRY, SLOW_DOWN, Outgoing, SendFailed
from service.notify.sms_client import SMSPermanentError, SMSTransientError
from service.notify.sms_sender import SMSSender
from service.notify.wechat_sender import WeChatSender
from service.wechat.api_client import TokenInvalid, WeChatAPIError

TEMPLATE = Outgoing("wechat_template", "key-1", openid="o-1", template_id="TPL", fields={"thing1": "已受理"},
                    url="https://example.invalid/c")
CS_TEXT = Outgoing("wechat_cs", "key-2", openid="o-1", text="材料照片已收到。")
SMS_TEXT = Outgoing("sms", "key-3", phone="13800000000", text="【民政】您的申请已受理")


class FakeWeChatClient:
    """Records calls; raises `error` on every call when given one."""

    def __init__(self, error=None, msgid=1234):
        self.error, self.msgid, self.calls = error, msgid, []

    def send_template(self, openid, template_id, data, *, url=None, client_msg_id=None):
        self.calls.append(("template", openid, template_id, dict(data), url, client_msg_id))
        if self.error:
            raise self.error
        return self.msgid

    def send_text(self, openid, content):
        self.calls.append(("text", openid, content))
        if self.error:
            raise self.error
        return {"errcode": 0}


class FakeSMSClient:
    def __init__(self, error=None):
        self.error, self.calls = error, []

    def send(self, phone, text, idempotency_key):
        self.calls.append((phone, text, idempotency_key))
        if self.error:
            raise self.error
        return "sms-1"


def wechat_outcome(exc, message) -> SendFailed:
    with pytest.raises(SendFailed) as info:
        WeChatSender(FakeWeChatClient(exc)).send(message)
    assert info.value.__cause__ is exc  # the protocol's error stays attached for the logs
    return info.value


@pytest.mark.parametrize("exc, message, outcome", [
    (WeChatAPIError(43004, "require subscribe"), TEMPLATE, FALLBACK),
    (WeChatAPIError(43101, "user refuse"), TEMPLATE, FALLBACK),
    (WeChatAPIError(40003, "invalid openid"), TEMPLATE, FALLBACK),
    (WeChatAPIError(43004, "require subscribe"), CS_TEXT, FALLBACK),
    (WeChatAPIError(45015, "out of time limit"), CS_TEXT, FALLBACK),
    (WeChatAPIError(45047, "quota"), CS_TEXT, FALLBACK),  # that user's window, not the account
    (WeChatAPIError(-1, "busy"), TEMPLATE, RETRY),
    (WeChatAPIError(45011, "minute quota"), TEMPLATE, SLOW_DOWN),
    (WeChatAPIError(45009, "daily quota"), TEMPLATE, SLOW_DOWN),
    (WeChatAPIError(45047, "quota"), TEMPLATE, SLOW_DOWN),
    (WeChatAPIError(45011, "minute quota"), CS_TEXT, SLOW_DOWN),
    (WeChatAPIError(None, "timeout", reason="timeout"), TEMPLATE, RETRY),
    (WeChatAPIError(None, "ConnectionError", reason="connection"), CS_TEXT, RETRY),
    (WeChatAPIError(None, "HTTP 502", http_status=502, reason="http"), TEMPLATE, RETRY),
    (WeChatAPIError(None, "token lock timeout", reason="lock"), TEMPLATE, RETRY),
    (TokenInvalid(40001, "invalid credential"), TEMPLATE, RETRY),  # still invalid after the one refresh
    (TokenInvalid(42001, "access_token expired"), CS_TEXT, RETRY),
    (TokenInvalid(40014, "invalid access_token"), TEMPLATE, RETRY),
    (WeChatAPIError(47003, "argument invalid"), TEMPLATE, DEAD),
    (WeChatAPIError(40037, "invalid template_id"), TEMPLATE, DEAD),
    (WeChatAPIError(44004, "empty content"), CS_TEXT, DEAD),
    (WeChatAPIError(None, "HTTP 404", http_status=404, reason="http"), TEMPLATE, DEAD),
    (WeChatAPIError(None, "not json", reason="bad_response"), TEMPLATE, DEAD),
])
def test_each_wechat_answer_becomes_a_port_outcome(exc, message, outcome):
    assert wechat_outcome(exc, message).outcome == outcome


@pytest.mark.parametrize("errcode, brief", [(45011, True), (45009, False), (45047, False)])
def test_only_the_minute_quota_asks_for_a_brief_pause(errcode, brief):
    assert wechat_outcome(WeChatAPIError(errcode, "quota"), TEMPLATE).brief is brief


def test_reasons_are_chinese_for_staff_and_keep_the_wechat_code():
    assert wechat_outcome(WeChatAPIError(43004, "require subscribe"), TEMPLATE).reason == "申请人未关注公众号（43004）"
    assert wechat_outcome(WeChatAPIError(None, "HTTP 503", http_status=503, reason="http"), TEMPLATE).reason \
        == "微信接口服务器错误（HTTP 503）"
    assert wechat_outcome(WeChatAPIError(99999, "new"), TEMPLATE).reason == "微信接口返回错误（99999）"


def test_a_template_goes_out_with_the_notice_key_as_client_msg_id_and_returns_the_msgid():
    client = FakeWeChatClient(msgid=777)
    assert WeChatSender(client).send(TEMPLATE) == 777
    assert client.calls == [("template", "o-1", "TPL", {"thing1": "已受理"}, "https://example.invalid/c", "key-1")]


def test_a_customer_service_text_goes_out_as_text():
    client = FakeWeChatClient()
    assert WeChatSender(client).send(CS_TEXT) is None
    assert client.calls == [("text", "o-1", "材料照片已收到。")]


def test_the_wechat_adapter_refuses_an_sms_and_the_sms_adapter_a_wechat_message():
    with pytest.raises(ValueError):
        WeChatSender(FakeWeChatClient()).send(SMS_TEXT)
    with pytest.raises(ValueError):
        SMSSender(FakeSMSClient()).send(TEMPLATE)


def test_an_sms_goes_out_under_the_notice_key():
    client = FakeSMSClient()
    assert SMSSender(client).send(SMS_TEXT) is None
    assert client.calls == [("13800000000", "【民政】您的申请已受理", "key-3")]


@pytest.mark.parametrize("exc, outcome", [
    (SMSTransientError("HTTP 503", http_status=503), RETRY),
    (SMSTransientError("timeout"), RETRY),
    (SMSPermanentError("refused: invalid phone", http_status=400), DEAD),
])
def test_each_gateway_answer_becomes_a_port_outcome(exc, outcome):
    with pytest.raises(SendFailed) as info:
        SMSSender(FakeSMSClient(exc)).send(SMS_TEXT)
    assert info.value.outcome == outcome
    if outcome == DEAD:
        assert "短信网关拒收" in info.value.reason


def test_an_unknown_outcome_is_a_bug():
    with pytest.raises(ValueError):
        SendFailed("maybe", "不知道")
