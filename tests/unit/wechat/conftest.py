"""Fixtures for the WeChat protocol layer: a Redis db 15 (the local fakes live in tests/conftest.py)."""

from __future__ import annotations

import uuid

import pytest


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
