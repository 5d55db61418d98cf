"""Attempts counted in a fixed window, shared by every worker and node: the database by default, Redis when
REDIS_URL is set. Guessing limits (case number + last four) and log-in back-off are built on it.

`hit` counts first and answers the count, this attempt included, in one atomic statement (an upsert with
RETURNING, or INCR): parallel attempts each see a different count, so none slips past a limit. In the
database the count joins the caller's transaction, which must commit it even when it then refuses.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import DateTime, Integer, String, case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db
from service.shared_redis import fast_redis


class AttemptCounter(db.Model):
    __tablename__ = "attempt_counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # the window's end


class DatabaseCounters:
    def hit(self, key: str, window: dt.timedelta) -> int:
        now, table = utcnow(), AttemptCounter.__table__
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        lapsed = table.c.expires_at <= now
        statement = insert(table).values(key=key, count=1, expires_at=now + window).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((lapsed, 1), else_=table.c.count + 1),
                  "expires_at": case((lapsed, now + window), else_=table.c.expires_at)},
        ).returning(table.c.count)
        return db.session.execute(statement).scalar_one()

    def peek(self, key: str) -> int:
        return db.session.scalar(select(AttemptCounter.count).where(
            AttemptCounter.key == key, AttemptCounter.expires_at > utcnow())) or 0

    def refund(self, key: str) -> None:
        """Take one attempt back (it succeeded): a resident who gets it right is not counted."""
        db.session.execute(update(AttemptCounter).where(AttemptCounter.key == key, AttemptCounter.count > 0)
                           .values(count=AttemptCounter.count - 1))

    def clear(self, key: str) -> None:
        db.session.execute(delete(AttemptCounter).where(AttemptCounter.key == key))

    def clear_prefix(self, prefix: str) -> None:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        db.session.execute(delete(AttemptCounter).where(AttemptCounter.key.like(escaped + "%", escape="\\")))

    def purge(self, now: dt.datetime | None = None) -> int:
        """Windows that ended: nothing to remember (the housekeeping sweep calls this)."""
        return db.session.execute(delete(AttemptCounter).where(AttemptCounter.expires_at <= (now or utcnow()))).rowcount


class RedisCounters:
    def __init__(self, redis, prefix: str = "attempts:"):
        self.redis, self.prefix = redis, prefix

    def hit(self, key: str, window: dt.timedelta) -> int:
        pipe = self.redis.pipeline()
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, max(int(window.total_seconds()), 1), nx=True)  # the window starts once
        return int(pipe.execute()[0])

    def peek(self, key: str) -> int:
        return int(self.redis.get(self.prefix + key) or 0)

    def refund(self, key: str) -> None:
        if self.redis.decr(self.prefix + key) < 0:
            self.redis.delete(self.prefix + key)

    def clear(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    def clear_prefix(self, prefix: str) -> None:
        for key in self.redis.scan_iter(match=self.prefix + prefix.replace("*", "\\*").replace("?", "\\?") + "*"):
            self.redis.delete(key)

    def purge(self, now=None) -> int:
        return 0  # keys expire by themselves


def counters() -> DatabaseCounters | RedisCounters:
    client = fast_redis()
    if client is None:
        return DatabaseCounters()
    store = current_app.extensions.get("attempt_counters")
    if store is None:
        store = current_app.extensions["attempt_counters"] = RedisCounters(client)
    return store
