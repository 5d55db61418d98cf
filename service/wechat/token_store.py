"""Where the one shared WeChat access token lives, with the lock that serialises refreshes."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol


class TokenLockTimeout(Exception):
    """Another holder kept the refresh lock longer than we were willing to wait."""


class TokenStore(Protocol):
    def get(self) -> tuple[str, float] | None:
        """(token, expires_at as epoch seconds) or None."""

    def set(self, token: str, expires_at: float) -> None: ...

    def lock(self) -> AbstractContextManager[None]:
        """Held while checking and refreshing the token, across every process sharing the store."""


class MemoryTokenStore:
    """For one process (tests, a single worker): a dict slot and a threading lock."""

    def __init__(self) -> None:
        self._value: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def get(self) -> tuple[str, float] | None:
        return self._value

    def set(self, token: str, expires_at: float) -> None:
        self._value = (token, expires_at)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield


# Delete the lock only if we still own it: after a PX expiry someone else may hold it.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisTokenStore:
    """Shared by every process using the same Redis: value under `key`, lock under `key:lock`
    taken with SET NX PX so a crashed holder frees it after lock_ttl."""

    def __init__(
        self,
        redis: Any,
        key: str = "wechat:access_token",
        *,
        lock_ttl: float = 10.0,
        lock_wait: float = 15.0,
        poll: float = 0.02,
    ):
        self.redis = redis
        self.key = key
        self.lock_key = f"{key}:lock"
        self.lock_ttl_ms = int(lock_ttl * 1000)
        self.lock_wait = lock_wait
        self.poll = poll

    def get(self) -> tuple[str, float] | None:
        raw = self.redis.get(self.key)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
            return str(value["token"]), float(value["expires_at"])
        except (ValueError, KeyError, TypeError):
            return None  # unreadable entry: treat as absent so it gets refreshed

    def set(self, token: str, expires_at: float) -> None:
        ttl_ms = max(1, int((expires_at - time.time()) * 1000))
        self.redis.set(self.key, json.dumps({"token": token, "expires_at": expires_at}), px=ttl_ms)

    @contextmanager
    def lock(self) -> Iterator[None]:
        owner = secrets.token_hex(16)
        deadline = time.monotonic() + self.lock_wait
        while not self.redis.set(self.lock_key, owner, nx=True, px=self.lock_ttl_ms):
            if time.monotonic() >= deadline:
                raise TokenLockTimeout(self.lock_key)
            time.sleep(self.poll)
        try:
            yield
        finally:
            self.redis.eval(_RELEASE, 1, self.lock_key, owner)
