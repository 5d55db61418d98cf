"""Token stores: the in-memory one and the Redis one shared by several clients (db 15)."""

from __future__ import annotations

import threading
import time

import pytest
import redis as redis_lib

from service.devtools.fake_api import DEFAULT_APPID, DEFAULT_SECRET
from service.wechat.api_client import WeChatAPIError, WeChatClient
from service.wechat.token_store import MemoryTokenStore, RedisTokenStore, TokenLockTimeout


def test_memory_store_round_trip_and_exclusive_lock():
    store = MemoryTokenStore()
    assert store.get() is None
    store.set("T1", 123.0)
    assert store.get() == ("T1", 123.0)
    with store.lock():
        acquired = []
        t = threading.Thread(target=lambda: acquired.append(store._lock.acquire(timeout=0.05)))
        t.start()
        t.join()
        assert acquired == [False]


def test_redis_store_round_trip_with_ttl(redis_client, redis_key):
    store = RedisTokenStore(redis_client, redis_key)
    assert store.get() is None
    expires_at = time.time() + 60
    store.set("T1", expires_at)
    assert store.get() == ("T1", pytest.approx(expires_at))
    assert 55_000 < redis_client.pttl(redis_key) <= 60_000


def test_redis_store_treats_garbage_as_absent(redis_client, redis_key):
    redis_client.set(redis_key, b"not json")
    assert RedisTokenStore(redis_client, redis_key).get() is None


def test_redis_lock_is_exclusive_and_released(redis_client, redis_key):
    a = RedisTokenStore(redis_client, redis_key, lock_wait=0.1)
    b = RedisTokenStore(redis_lib.Redis(host="127.0.0.1", port=6379, db=15), redis_key, lock_wait=0.1)
    with a.lock():
        assert redis_client.pttl(f"{redis_key}:lock") > 0  # SET NX PX: a crashed holder frees it
        with pytest.raises(TokenLockTimeout):
            with b.lock():
                pass
    with b.lock():
        pass
    assert redis_client.get(f"{redis_key}:lock") is None


def test_redis_lock_release_never_deletes_someone_elses_lock(redis_client, redis_key):
    store = RedisTokenStore(redis_client, redis_key, lock_ttl=0.05)
    with store.lock():
        time.sleep(0.1)  # our lock expired meanwhile and another holder took it
        redis_client.set(f"{redis_key}:lock", "someone-else")
    assert redis_client.get(f"{redis_key}:lock") == b"someone-else"


def test_lock_timeout_surfaces_as_a_transient_api_error(fake_wechat, redis_client, redis_key):
    redis_client.set(f"{redis_key}:lock", "stuck", px=5000)
    store = RedisTokenStore(redis_client, redis_key, lock_wait=0.1)
    client = WeChatClient(DEFAULT_APPID, DEFAULT_SECRET, base_url=fake_wechat.base_url, store=store)
    with pytest.raises(WeChatAPIError) as info:
        client.access_token()
    assert info.value.reason == "lock" and info.value.transient


def test_two_clients_sharing_redis_refresh_exactly_once_in_a_40001_storm(fake_wechat, redis_key):
    clients = [
        WeChatClient(
            DEFAULT_APPID,
            DEFAULT_SECRET,
            base_url=fake_wechat.base_url,
            store=RedisTokenStore(redis_lib.Redis(host="127.0.0.1", port=6379, db=15), redis_key),
            timeout=(1.0, 2.0),
        )
        for _ in range(2)
    ]
    stale = clients[0].access_token()
    assert clients[1].access_token() == stale  # the second client reuses the shared token
    fake_wechat.revoke_tokens()
    barrier, errors = threading.Barrier(8), []

    def send(client: WeChatClient, i: int) -> None:
        barrier.wait()
        try:
            client.send_text("oUSER", f"n{i}")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(clients[i % 2], i)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert len(fake_wechat.calls("token")) == 2
    ok = [c for c in fake_wechat.calls("custom_send") if c["response"]["errcode"] == 0]
    assert len(ok) == 8 and len({c["query"]["access_token"] for c in ok}) == 1
