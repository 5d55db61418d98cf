"""The WeChat access token in the database, shared by every process that reaches it.

A TokenStore for service.wechat.api_client.WeChatClient: get/set one row (id 1) of
wechat_access_token, and lock() = hold that row's write lock for the length of a transaction on a
dedicated connection: SELECT … FOR UPDATE on PostgreSQL (with lock_timeout), a write on SQLite (which
takes the database's single writer lock, waiting up to its busy_timeout). get/set inside lock() run on
the locking connection, so the check-and-refresh is one transaction; readers outside never block.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from service.clock import utcnow
from service.notify.models import WeChatAccessToken
from service.wechat.token_store import TokenLockTimeout

ROW_ID = 1
_table = WeChatAccessToken.__table__


class DatabaseTokenStore:
    def __init__(self, engine: Engine, *, lock_wait: float = 15.0):
        self.engine = engine
        self.lock_wait = lock_wait
        self._local = threading.local()
        self._row_ready = False

    @property
    def _postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _ensure_row(self) -> None:
        if self._row_ready:
            return
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(_table.c.id).where(_table.c.id == ROW_ID)).first() is None:
                    conn.execute(_table.insert().values(id=ROW_ID, token=None, expires_at=0.0))
        except IntegrityError:
            pass  # another process inserted it first
        self._row_ready = True

    def get(self) -> tuple[str, float] | None:
        conn = getattr(self._local, "conn", None)
        query = select(_table.c.token, _table.c.expires_at).where(_table.c.id == ROW_ID)
        if conn is not None:
            row = conn.execute(query).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        if row is None or not row.token:
            return None
        return row.token, float(row.expires_at)

    def set(self, token: str, expires_at: float) -> None:
        statement = update(_table).where(_table.c.id == ROW_ID).values(
            token=token, expires_at=float(expires_at), refreshed_at=utcnow())
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.execute(statement)
            return
        self._ensure_row()
        with self.engine.begin() as own:
            own.execute(statement)

    @contextmanager
    def lock(self) -> Iterator[None]:
        if getattr(self._local, "conn", None) is not None:
            raise RuntimeError("DatabaseTokenStore.lock() is not re-entrant")
        self._ensure_row()
        with self.engine.connect() as conn:
            transaction = self._take(conn)
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None
                transaction.commit()  # keeps a token fetched before any later error; frees the lock

    def _take(self, conn):
        """Begin a transaction holding the token row's write lock, or raise TokenLockTimeout."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            transaction = conn.begin()
            try:
                if self._postgres:
                    conn.execute(text(f"SET LOCAL lock_timeout = '{int(self.lock_wait * 1000)}ms'"))
                    conn.execute(select(_table.c.id).where(_table.c.id == ROW_ID).with_for_update())
                else:
                    # the first write takes SQLite's single writer lock, waiting up to busy_timeout
                    conn.execute(update(_table).where(_table.c.id == ROW_ID).values(id=ROW_ID))
                return transaction
            except OperationalError:
                transaction.rollback()
                if self._postgres or time.monotonic() >= deadline:
                    raise TokenLockTimeout("wechat_access_token") from None
                time.sleep(0.05)


class CachedTokenStore:
    """A few seconds of in-process memory over a shared store, so a busy worker does not read the
    token row for every message. Inside lock() every read goes to the shared store, so the
    refresh-once check ("is the stored token still the one that failed?") always sees the truth: a
    stale cached token only costs one 40001 answer, after which refresh_token() finds the newer one."""

    def __init__(self, inner, *, ttl: float = 5.0, clock=time.monotonic):
        self.inner, self.ttl, self.clock = inner, ttl, clock
        self._cached: tuple[tuple[str, float] | None, float] | None = None
        self._local = threading.local()

    def get(self) -> tuple[str, float] | None:
        if getattr(self._local, "locked", False):
            return self.inner.get()
        cached = self._cached
        if cached is not None and self.clock() - cached[1] < self.ttl:
            return cached[0]
        value = self.inner.get()
        self._cached = (value, self.clock())
        return value

    def set(self, token: str, expires_at: float) -> None:
        self.inner.set(token, expires_at)
        self._cached = ((token, expires_at), self.clock())

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self.inner.lock():
            self._local.locked = True
            try:
                yield
            finally:
                self._local.locked = False
