"""Why the notification worker keeps service.wechat.api_client instead of wechatpy 1.8.18's WeChatClient,
each shown against the local fake (the README's architecture notes sum these up)."""

from __future__ import annotations

import pytest
import requests
from wechatpy import WeChatClient as WechatpyClient
from wechatpy.exceptions import WeChatClientException

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET

OPENID = "oUSER_0penid_abcdefgh12"


def wechatpy_client(fake, **kw) -> WechatpyClient:
    """Configured as WECHAT.md says: base URL per instance, and the token fetch pointed at the fake too."""

    class Client(WechatpyClient):
        API_BASE_URL = fake.base_url + "/cgi-bin/"

        def fetch_access_token(self):
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            return self._fetch_access_token(fake.base_url + "/cgi-bin/token", params)

    return Client(DEFAULT_APPID, DEFAULT_SECRET, timeout=2, **kw)


def test_auto_retry_fetches_a_new_token_for_every_40001(fake_wechat):
    # ours: the call, one refresh, one retry, then TokenInvalid (test_wechat_api_client.py)
    fake_wechat.fail("custom_send", 40001, times=5)
    wechatpy_client(fake_wechat).message.send_text(OPENID, "hi")
    assert len(fake_wechat.calls("custom_send")) == 6
    assert len(fake_wechat.calls("token")) == 6  # one per failure: no bound, no lock, no "still the same token?"


def test_without_auto_retry_a_stale_token_is_a_plain_error_and_nothing_refreshes(fake_wechat):
    client = wechatpy_client(fake_wechat, auto_retry=False)
    client.message.send_text(OPENID, "one")
    fake_wechat.revoke_tokens()
    with pytest.raises(WeChatClientException) as info:
        client.message.send_text(OPENID, "two")
    assert info.value.errcode == 40001
    with pytest.raises(WeChatClientException):  # the cached token is never replaced until it expires
        client.message.send_text(OPENID, "three")
    assert len(fake_wechat.calls("token")) == 1


def test_token_fetch_goes_to_the_real_host_with_no_timeout(fake_wechat, monkeypatch):
    class OnlyBaseURL(WechatpyClient):
        API_BASE_URL = fake_wechat.base_url + "/cgi-bin/"

    client = OnlyBaseURL(DEFAULT_APPID, DEFAULT_SECRET, timeout=2)
    seen = {}

    def record(url, **kw):
        seen.update(kw, url=url)
        raise requests.ConnectionError("not sent")

    monkeypatch.setattr(client._http, "get", record)
    with pytest.raises(requests.ConnectionError):
        client.message.send_text(OPENID, "hi")
    assert seen["url"] == "https://api.weixin.qq.com/cgi-bin/token"  # API_BASE_URL ignored
    assert "timeout" not in seen  # a hung token endpoint would hang the worker
    assert fake_wechat.calls("token") == []


def test_transport_errors_escape_unwrapped_and_carry_the_token(fake_wechat):
    client = wechatpy_client(fake_wechat)
    token = client.access_token
    fake_wechat.stop()  # connection refused, as when WeChat or the proxy is unreachable
    with pytest.raises(requests.ConnectionError) as info:  # not WeChatClientException: no errcode to classify
        client.message.send_text(OPENID, "hi")
    assert not isinstance(info.value, WeChatClientException)
    assert token in str(info.value)  # the URL with access_token lands in any log of the exception
