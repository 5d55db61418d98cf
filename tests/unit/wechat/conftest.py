"""Fixtures for the WeChat protocol layer: the local fakes as real servers, and a Redis db 15."""

from __future__ import annotations

import uuid

import pytest

from service.wechat.fake_api import FakeWeChatAPI
from service.wechat.fake_sms import FakeSMSGateway


@pytest.fixture
def fake_wechat():
    with FakeWeChatAPI() as fake:
        yield fake


@pytest.fixture
def fake_sms():
    with FakeSMSGateway() as fake:
        yield fake


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=15, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    yield client
    client.close()


@pytest.fixture
def redis_key(redis_client):
    """A key of our own, so tests never touch other keys in the shared test db."""
    key = f"test:wechat:token:{uuid.uuid4().hex}"
    yield key
    redis_client.delete(key, f"{key}:lock")
