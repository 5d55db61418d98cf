"""The API adapter against the local fake: token caching and refresh, errors, timeouts, encoding."""

from __future__ import annotations

import threading

import pytest

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET
from service.wechat.api_client import TokenInvalid, WeChatAPIError, WeChatClient
from service.wechat.token_store import MemoryTokenStore

OPENID = "oUSER_0penid_abcdefgh12"


def make_client(fake, **kw) -> WeChatClient:
    kw.setdefault("timeout", (1.0, 2.0))
    return WeChatClient(DEFAULT_APPID, DEFAULT_SECRET, base_url=fake.base_url, **kw)


def test_token_is_fetched_once_and_cached(fake_wechat):
    client = make_client(fake_wechat)
    for _ in range(3):
        client.send_text(OPENID, "hi")
    assert len(fake_wechat.calls("token")) == 1
    tokens = {c["query"]["access_token"] for c in fake_wechat.calls("custom_send")}
    assert len(tokens) == 1


def test_token_is_refetched_when_the_cached_one_is_near_expiry(fake_wechat):
    now = [1_000_000.0]
    client = make_client(fake_wechat, clock=lambda: now[0], expiry_margin=300)
    first = client.access_token()
    now[0] += 7200 - 300 - 1
    assert client.access_token() == first
    now[0] += 2
    assert client.access_token() != first
    assert len(fake_wechat.calls("token")) == 2


def test_expired_token_is_refreshed_once_and_the_call_retried(fake_wechat):
    client = make_client(fake_wechat)
    client.send_text(OPENID, "one")
    fake_wechat.expire_tokens()
    client.send_text(OPENID, "two")
    sends = fake_wechat.calls("custom_send")
    assert [c["response"]["errcode"] for c in sends] == [0, 42001, 0]
    assert len(fake_wechat.calls("token")) == 2


def test_persistent_token_error_raises_after_one_refresh_without_recursion(fake_wechat):
    client = make_client(fake_wechat)
    client.access_token()
    fake_wechat.fail("custom_send", 40001, times=50)
    with pytest.raises(TokenInvalid) as info:
        client.send_text(OPENID, "hi")
    assert info.value.errcode == 40001 and info.value.transient
    assert len(fake_wechat.calls("custom_send")) == 2  # the call and its single retry
    assert len(fake_wechat.calls("token")) == 2  # the first fetch and exactly one refresh


def test_40001_storm_from_eight_threads_causes_exactly_one_refresh(fake_wechat):
    client = make_client(fake_wechat, store=MemoryTokenStore())
    stale = client.access_token()
    fake_wechat.revoke_tokens()  # as if another process had rotated the token
    barrier, errors = threading.Barrier(8), []

    def send(i: int) -> None:
        barrier.wait()
        try:
            client.send_text(OPENID, f"n{i}")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert len(fake_wechat.calls("token")) == 2
    ok = [c for c in fake_wechat.calls("custom_send") if c["response"]["errcode"] == 0]
    assert len(ok) == 8 and all(c["query"]["access_token"] != stale for c in ok)


def test_refresh_is_skipped_when_another_worker_already_replaced_the_token(fake_wechat):
    store = MemoryTokenStore()
    a, b = make_client(fake_wechat, store=store), make_client(fake_wechat, store=store)
    stale = a.access_token()
    fresh = b.refresh_token(failed_token=stale)
    assert fresh != stale
    assert a.refresh_token(failed_token=stale) == fresh  # no second fetch
    assert len(fake_wechat.calls("token")) == 2


@pytest.mark.parametrize(
    "errcode, transient",
    [
        (-1, True),
        (45011, True),
        (43004, False),
        (43101, False),
        (45015, False),
        (40003, False),
        (45009, False),
    ],
)
def test_errcodes_are_typed_and_classified(fake_wechat, errcode, transient):
    client = make_client(fake_wechat)
    fake_wechat.fail("custom_send", errcode)
    with pytest.raises(WeChatAPIError) as info:
        client.send_text(OPENID, "hi")
    assert info.value.errcode == errcode
    assert info.value.transient is transient
    assert not isinstance(info.value, TokenInvalid)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(fake_wechat, status):
    fake_wechat.fail("template_send", http_status=status)
    with pytest.raises(WeChatAPIError) as info:
        make_client(fake_wechat).send_template(OPENID, "TPL", {"thing1": "x"})
    assert info.value.http_status == status and info.value.transient


def test_timeout_is_transient_and_bounded(fake_wechat):
    fake_wechat.fail("custom_send", delay=2.0)
    client = make_client(fake_wechat, timeout=(1.0, 0.2))
    client.access_token()
    with pytest.raises(WeChatAPIError) as info:
        client.send_text(OPENID, "hi")
    assert info.value.reason == "timeout" and info.value.transient


def test_dropped_connection_and_stopped_server_are_transient(fake_wechat):
    client = make_client(fake_wechat)
    client.access_token()
    fake_wechat.fail("custom_send", down=True)
    with pytest.raises(WeChatAPIError) as info:
        client.send_text(OPENID, "hi")
    assert info.value.reason == "connection" and info.value.transient
    fake_wechat.stop()
    with pytest.raises(WeChatAPIError) as info:
        client.send_text(OPENID, "hi")
    assert info.value.reason == "connection" and info.value.transient


def test_transport_errors_do_not_leak_the_secret(fake_wechat):
    fake_wechat.fail("token", down=True)
    with pytest.raises(WeChatAPIError) as info:
        make_client(fake_wechat).access_token()
    assert DEFAULT_SECRET not in str(info.value) and info.value.__cause__ is None


def test_bad_credentials_are_permanent(fake_wechat):
    client = WeChatClient(DEFAULT_APPID, "wrong", base_url=fake_wechat.base_url)
    with pytest.raises(WeChatAPIError) as info:
        client.send_text(OPENID, "hi")
    assert info.value.errcode == 40125 and not info.value.transient
    assert fake_wechat.calls("custom_send") == []


def test_40001_from_the_token_endpoint_means_bad_credentials_not_a_stale_token(fake_wechat):
    fake_wechat.fail("token", 40001)
    with pytest.raises(WeChatAPIError) as info:
        make_client(fake_wechat).send_text(OPENID, "hi")
    assert info.value.errcode == 40001 and not isinstance(info.value, TokenInvalid)
    assert not info.value.transient and len(fake_wechat.calls("token")) == 1


def test_json_goes_out_as_raw_utf8(fake_wechat):
    make_client(fake_wechat).send_text(OPENID, "您好，已受理 😀")
    (call,) = fake_wechat.calls("custom_send")
    assert "您好，已受理 😀" in call["body"] and "\\u" not in call["body"]
    assert call["json"] == {"touser": OPENID, "msgtype": "text", "text": {"content": "您好，已受理 😀"}}


def test_template_message_with_client_msg_id_is_sent_each_time(fake_wechat):
    client = make_client(fake_wechat)
    data = {"character_string1": "A2024-0001", "phrase2": {"value": "已受理"}}
    first = client.send_template(
        OPENID, "TPL", data, url="https://example.org/a", client_msg_id="app-1-accepted"
    )
    second = client.send_template(OPENID, "TPL", data, client_msg_id="app-1-accepted")
    assert isinstance(first, int) and first != second
    sent = fake_wechat.calls("template_send")
    assert [c["json"]["client_msg_id"] for c in sent] == ["app-1-accepted", "app-1-accepted"]
    assert sent[0]["json"]["data"] == {
        "character_string1": {"value": "A2024-0001"},
        "phrase2": {"value": "已受理"},
    }
    assert sent[0]["json"]["url"] == "https://example.org/a" and "url" not in sent[1]["json"]


@pytest.mark.parametrize(
    "data",
    [
        {"thing1": "一" * 21},
        {"thing1": "两行\n文字"},
        {"first": "您好"},
        {"remark": "谢谢"},
        {"thing1": {"value": "x", "color": "#f00"}},
    ],
)
def test_template_rules_violations_are_permanent_47003(fake_wechat, data):
    with pytest.raises(WeChatAPIError) as info:
        make_client(fake_wechat).send_template(OPENID, "TPL", data)
    assert info.value.errcode == 47003 and not info.value.transient


def test_subscription_notice(fake_wechat):
    client = make_client(fake_wechat)
    client.send_subscription(
        OPENID, "SUB", {"thing1": "临时救助申请", "time2": "2024-05-01 10:00"}, page="/a"
    )
    (call,) = fake_wechat.calls("subscribe_send")
    assert call["json"]["page"] == "/a" and call["json"]["data"]["thing1"] == {"value": "临时救助申请"}
    with pytest.raises(WeChatAPIError) as info:
        client.send_subscription(OPENID, "SUB", {"thing1": "字" * 21})
    assert info.value.errcode == 47003


def test_user_level_refusals(fake_wechat):
    fake_wechat.block_user("oGONE", 43004)
    client = make_client(fake_wechat)
    with pytest.raises(WeChatAPIError) as info:
        client.send_text("oGONE", "hi")
    assert info.value.errcode == 43004 and not info.value.transient
    client.send_text(OPENID, "hi")  # other users unaffected


def test_create_menu(fake_wechat):
    menu = {"button": [{"type": "click", "name": "我要申请", "key": "MENU_APPLY"}]}
    make_client(fake_wechat).create_menu(menu)
    assert fake_wechat.menu == menu
    with pytest.raises(WeChatAPIError) as info:
        make_client(fake_wechat).create_menu({"button": []})
    assert info.value.errcode == 40016
