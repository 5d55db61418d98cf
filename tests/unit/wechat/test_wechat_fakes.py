"""The local fakes themselves: HTTP control interface, scripted failures, standalone start."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET, FakeWeChatAPI
from service.notify.sms_client import SMSClient, SMSPermanentError, SMSTransientError

TOKEN_PARAMS = {"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": DEFAULT_SECRET}


def get_token(base: str) -> dict:
    return requests.get(f"{base}/cgi-bin/token", params=TOKEN_PARAMS, timeout=2).json()


def test_context_manager_starts_and_stops_a_real_server():
    with FakeWeChatAPI() as fake:
        base = fake.base_url
        assert get_token(base)["expires_in"] == 7200
    with pytest.raises(requests.ConnectionError):
        get_token(base)


def test_http_control_fail_received_reset(fake_wechat):
    base = fake_wechat.base_url
    r = requests.post(
        f"{base}/_fake/fail", json={"endpoint": "/cgi-bin/token", "errcode": -1, "times": 2}, timeout=2
    )
    assert r.json() == {"ok": True}
    assert [get_token(base).get("errcode") for _ in range(3)] == [-1, -1, None]
    received = requests.get(f"{base}/_fake/received", timeout=2).json()
    assert [r["endpoint"] for r in received] == ["token"] * 3
    requests.post(f"{base}/_fake/reset", timeout=2)
    assert requests.get(f"{base}/_fake/received", timeout=2).json() == []


def test_http_control_refuses_nonsense(fake_wechat):
    base = fake_wechat.base_url
    assert (
        requests.post(f"{base}/_fake/fail", json={"endpoint": "nope", "errcode": 1}, timeout=2).status_code
        == 400
    )
    assert requests.post(f"{base}/_fake/fail", json={"endpoint": "token"}, timeout=2).status_code == 400
    assert requests.post(f"{base}/_fake/fail", data=b"{", timeout=2).status_code == 400


def test_failure_for_a_duration_then_recovery(fake_wechat):
    fake_wechat.fail("*", errcode=-1, duration=0.3)
    assert [get_token(fake_wechat.base_url).get("errcode") for _ in range(3)] == [-1, -1, -1]
    time.sleep(0.35)
    assert "access_token" in get_token(fake_wechat.base_url)


def test_tokens_expire_and_revoke_over_http(fake_wechat):
    base = fake_wechat.base_url
    token = get_token(base)["access_token"]
    url = f"{base}/cgi-bin/menu/create"
    menu = {"button": [{"type": "click", "name": "a", "key": "k"}]}
    assert requests.post(url, params={"access_token": token}, json=menu, timeout=2).json()["errcode"] == 0
    requests.post(f"{base}/_fake/tokens", json={"action": "expire"}, timeout=2)
    assert requests.post(url, params={"access_token": token}, json=menu, timeout=2).json()["errcode"] == 42001
    requests.post(f"{base}/_fake/tokens", json={"action": "revoke"}, timeout=2)
    assert requests.post(url, params={"access_token": token}, json=menu, timeout=2).json()["errcode"] == 40001
    assert requests.post(url, json=menu, timeout=2).json()["errcode"] == 41001


def test_escaped_unicode_body_gets_40033_like_the_real_api(fake_wechat):
    token = get_token(fake_wechat.base_url)["access_token"]
    r = requests.post(
        f"{fake_wechat.base_url}/cgi-bin/message/custom/send",
        params={"access_token": token},
        json={"touser": "o1", "msgtype": "text", "text": {"content": "你好"}},  # requests escapes to \\u
        timeout=2,
    )
    assert r.json()["errcode"] == 40033


def test_revoke_on_fetch_mimics_processes_invalidating_each_other():
    with FakeWeChatAPI(revoke_on_fetch=True) as fake:
        first = get_token(fake.base_url)["access_token"]
        get_token(fake.base_url)
        r = requests.post(
            f"{fake.base_url}/cgi-bin/menu/create",
            params={"access_token": first},
            json={"button": [{}]},
            timeout=2,
        )
        assert r.json()["errcode"] == 40001


def test_fake_is_thread_safe_under_concurrent_requests(fake_wechat):
    def hammer():
        for _ in range(10):
            get_token(fake_wechat.base_url)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(fake_wechat.received) == 60 and fake_wechat.tokens_issued == 60


def test_standalone_module_serves_until_stopped():
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.devtools.fake_api", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = proc.stdout.readline()
        base = line.split(" on ", 1)[1].split(" ", 1)[0]
        assert "access_token" in get_token(base)
    finally:
        proc.terminate()
        proc.wait(5)


# ---- SMS ---------------------------------------------------------------------------------------


def test_sms_send_and_record(fake_sms):
    client = SMSClient(fake_sms.base_url, timeout=(1, 2))
    first = client.send("13800000000", "您的申请已受理", "app-1-accepted")
    second = client.send("13800000000", "您的申请已受理", "app-1-accepted")
    assert first != second  # the fake dedupes nothing: tests see the repeat
    assert [m["idempotency_key"] for m in fake_sms.sent] == ["app-1-accepted"] * 2
    assert "您的申请已受理" in fake_sms.received[0]["body"]  # raw UTF-8


@pytest.mark.parametrize(
    "script",
    [{"http_status": 503}, {"delay": 1.0}, {"down": True}],
)
def test_sms_transient_failures(fake_sms, script):
    fake_sms.fail("send", **script)
    with pytest.raises(SMSTransientError) as info:
        SMSClient(fake_sms.base_url, timeout=(1, 0.2)).send("13800000000", "x", "k1")
    assert info.value.transient


def test_sms_permanent_failures(fake_sms):
    client = SMSClient(fake_sms.base_url, timeout=(1, 2))
    with pytest.raises(SMSPermanentError) as info:
        client.send("12345", "x", "k1")
    assert not info.value.transient and "12345" not in str(info.value)
    fake_sms.fail("/sms/send", errcode=17)
    with pytest.raises(SMSPermanentError):
        client.send("13800000000", "x", "k2")
    assert client.send("13800000000", "x", "k3").startswith("sms-")


def test_sms_gateway_down_is_transient(fake_sms):
    url = fake_sms.base_url
    fake_sms.stop()
    with pytest.raises(SMSTransientError):
        SMSClient(url, timeout=(0.5, 0.5)).send("13800000000", "x", "k1")
