"""Each inbound message handled once, whichever worker or node WeChat's retries reach.

Database (default): the key is inserted in the same transaction as the handling, so a retry racing the
first delivery waits for it and then answers with the reply it stored. Redis (when REDIS_URL is set):
SET NX claims the key; the reply is stored beside it once the handling has committed.
"""

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db
from service.intake.models import utcnow
from service.unit_of_work import use_case
from service.wechat.models import DeliveredMessage

KEEP = dt.timedelta(days=2)  # far beyond WeChat's 15-second retry window
PENDING = "\x00pending"


class DatabaseDedupe:
    def claim(self, key: str) -> tuple[bool, str | None]:
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        # RETURNING tells whether this insert won; rowcount is unreliable for ORM-enabled inserts.
        won = db.session.execute(
            insert(DeliveredMessage.__table__).values(key=key, created_at=utcnow())
            .on_conflict_do_nothing().returning(DeliveredMessage.__table__.c.key)
        ).first()
        if won is not None:
            return True, None
        return False, db.session.scalar(select(DeliveredMessage.reply).where(DeliveredMessage.key == key))

    def remember(self, key: str, reply: str) -> None:
        table = DeliveredMessage.__table__
        db.session.execute(update(table).where(table.c.key == key).values(reply=reply))

    def release(self, key: str) -> None:
        """Nothing to do: the claim rolls back with the failed handling."""

    def purge(self, now: dt.datetime | None = None) -> int:
        cutoff = (now or utcnow()) - KEEP
        with use_case() as uow:
            result = db.session.execute(delete(DeliveredMessage).where(DeliveredMessage.created_at < cutoff))
            uow.commit()
        return result.rowcount


class RedisDedupe:
    def __init__(self, redis, prefix: str = "wechat:seen:"):
        self.redis, self.prefix = redis, prefix

    def claim(self, key: str) -> tuple[bool, str | None]:
        if self.redis.set(self.prefix + key, PENDING, nx=True, ex=int(KEEP.total_seconds())):
            return True, None
        stored = self.redis.get(self.prefix + key)
        stored = stored.decode() if isinstance(stored, bytes) else stored
        return False, None if stored in (None, PENDING) else stored

    def remember(self, key: str, reply: str) -> None:
        self.redis.set(self.prefix + key, reply, ex=int(KEEP.total_seconds()))

    def release(self, key: str) -> None:
        # the handling failed and rolled back: let WeChat's retry try again
        self.redis.delete(self.prefix + key)

    def purge(self, now=None) -> int:
        return 0  # keys expire by themselves
