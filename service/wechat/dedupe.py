"""Each inbound message handled once, and each callback signature used for one body only, whichever
worker or node WeChat's retries reach.

Database (default): the key is inserted in the same transaction as the handling, so a retry racing the
first delivery waits for it and then answers with the reply it stored. Redis (when REDIS_URL is set):
SET NX claims the key with a short lease; the reply replaces it (kept two days) once the handling has
committed. A retry that finds the key pending waits for that reply; if the first handler died (killed
worker), its lease runs out and a later retry handles the message itself, so the answer is not lost.

The replay cache shares the store: a signature's first use records a digest of its body; the same
signature again is a retry only with the same body (plaintext signatures do not cover the body).
"""

import datetime as dt
import hashlib
import logging
import time

from flask import current_app
from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.clock import utcnow
from service.extensions import db
from service.shared_redis import fast_redis
from service.unit_of_work import use_case
from service.wechat.errors import Replayed
from service.wechat.models import DeliveredMessage

log = logging.getLogger(__name__)
REPLAY_RECORD = "wechat_replay_record"  # session.info: the signature record a failed handling writes again
PENDING_RECORD = "wechat_pending_record"  # session.info: a message's signature record, checked by its claim
KEEP = dt.timedelta(days=2)  # far beyond WeChat's 15-second retry window
PENDING = "\x00pending"
RETRY_WAIT = 4.0  # seconds a retry waits for the first handler's reply: under WeChat's 5-second deadline


class StillPending(Exception):
    """Another worker holds the message and has not answered yet: ask WeChat to try again (503)."""


def dedupe_store():
    client = fast_redis()
    if client is None:
        return DatabaseDedupe()
    store = current_app.extensions.get("wechat_redis_dedupe")
    if store is None:
        store = current_app.extensions["wechat_redis_dedupe"] = RedisDedupe(
            client, lease=current_app.config["WECHAT_DEDUPE_LEASE_SECONDS"])
    return store


def first_use(signature: str, body: bytes, *, standalone: bool = False) -> bool:
    """False when this callback signature was already used with another body (a replay); True for its
    first use and for WeChat's retries of the same request. Kept while its timestamp can pass the window.
    `standalone`: committed at once (the URL verification), not with the message's handling. Without Redis
    a message's record is checked by its claim, in the same statement: the claim raises Replayed."""
    keep = 2 * current_app.config["WECHAT_TIMESTAMP_WINDOW_SECONDS"] + 60
    digest = hashlib.sha256(body).hexdigest()
    return dedupe_store().first_use(f"sig:{signature.lower()[:64]}", digest, keep, standalone=standalone)


_TABLE = DeliveredMessage.__table__


def _insert_if_new(insert):
    # RETURNING tells whether this insert won (the row may be another delivery's, committed or not)
    return (insert(_TABLE).values(key=bindparam("k"), reply=bindparam("r"), created_at=bindparam("at"))
            .on_conflict_do_nothing().returning(_TABLE.c.key))


# the signature's record first, then the claim: the order the two were taken in as two statements. Text, as
# SQLAlchemy compiles a multi-row VALUES of bound parameters again on every call (twice the CPU of two inserts)
INSERT_BOTH_IF_NEW = text(f"INSERT INTO {_TABLE.name} (key, reply, created_at) VALUES (:sk, :sr, :at), (:k, NULL, :at) "
                          "ON CONFLICT DO NOTHING RETURNING key").bindparams(
    bindparam("at", type_=_TABLE.c.created_at.type))


# Built once and run on the session's connection (its transaction): these rows carry no ORM state, so the
# ORM's per-statement work (autoflush, identity map, building the statement) is saved on every message.
INSERT_IF_NEW = {"postgresql": _insert_if_new(pg_insert), "sqlite": _insert_if_new(sqlite_insert)}
STORED = select(_TABLE.c.reply).where(_TABLE.c.key == bindparam("k"))
STORED_BOTH = select(_TABLE.c.key, _TABLE.c.reply).where(_TABLE.c.key.in_([bindparam("sk"), bindparam("k")]))
REMEMBER = update(_TABLE).where(_TABLE.c.key == bindparam("k")).values(reply=bindparam("r"))


class DatabaseDedupe:
    def _insert(self, key: str, reply: str | None = None) -> bool:
        conn = db.session.connection()
        return conn.execute(INSERT_IF_NEW[conn.dialect.name], {"k": key, "r": reply, "at": utcnow()}).first() is not None

    def _stored(self, key: str) -> str | None:
        return db.session.connection().execute(STORED, {"k": key}).scalar()

    def claim(self, key: str) -> tuple[bool, str | None]:
        db.session.info.pop(REPLAY_RECORD, None)  # an earlier message's, in a session that outlived it
        record = db.session.info.pop(PENDING_RECORD, None)
        if record is None:
            if self._insert(key):
                return True, None
            return False, self._stored(key)
        # one INSERT for the signature's record and the claim; one SELECT only for whichever row was there
        conn, (signature_key, digest) = db.session.connection(), record
        won = set(conn.execute(INSERT_BOTH_IF_NEW,
                               {"sk": signature_key, "sr": digest, "k": key, "at": utcnow()}).scalars())
        stored = {} if won >= {signature_key, key} else dict(conn.execute(STORED_BOTH, {"sk": signature_key, "k": key}).all())
        if signature_key not in won and stored.get(signature_key) != digest:
            raise Replayed("signature already used with another body")  # rolled back with the unit of work
        db.session.info[REPLAY_RECORD] = record
        if key in won:
            return True, None
        return False, stored.get(key)

    def first_use(self, key: str, digest: str, keep_seconds: int, *, standalone: bool = False) -> bool:
        # Recorded in the message's own transaction by its claim, one INSERT for both rows (a statement and a
        # commit fewer per message); the turn runs only after the check. WeChat's retry of the same request
        # passes with the record or without it (same digest, or none yet); a concurrent use of the signature
        # waits on the uncommitted row, then compares digests; a failed handling rolls the record back and
        # `release` writes it again on its own, so a logged URL still carries no other body (only a worker
        # killed mid-turn leaves none: the retry is the same request).
        if standalone:
            with use_case() as uow:
                first = self._first_use(key, digest)
                uow.commit()
                return first
        db.session.info[PENDING_RECORD] = (key, digest)
        return True

    def _first_use(self, key: str, digest: str) -> bool:
        return self._insert(key, digest) or self._stored(key) == digest

    def remember(self, key: str, reply: str) -> None:
        db.session.connection().execute(REMEMBER, {"k": key, "r": reply})

    def release(self, key: str) -> None:
        """The claim rolled back with the failed handling; the signature's record is written again alone."""
        record = db.session.info.pop(REPLAY_RECORD, None)
        if record is None:
            return
        try:
            with use_case() as uow:
                self._insert(*record)
                uow.commit()
        except Exception:  # the handling's own error is the one to raise; this one is only logged
            log.warning("wechat replay record not written again after a failed message", exc_info=True)

    def purge(self, now: dt.datetime | None = None) -> int:
        cutoff = (now or utcnow()) - KEEP
        with use_case() as uow:
            result = db.session.execute(delete(DeliveredMessage).where(DeliveredMessage.created_at < cutoff))
            uow.commit()
        return result.rowcount


class RedisDedupe:
    def __init__(self, redis, prefix: str = "wechat:seen:", *, lease: int = 10, wait: float = RETRY_WAIT):
        self.redis, self.prefix, self.lease, self.wait = redis, prefix, lease, wait

    def claim(self, key: str) -> tuple[bool, str | None]:
        """(True, None) when this worker should handle the message; (False, reply) for a retry of a handled
        one; raises StillPending when the first handler is still at it after `wait` seconds."""
        deadline = time.monotonic() + self.wait
        while True:
            if self.redis.set(self.prefix + key, PENDING, nx=True, ex=self.lease):
                return True, None
            stored = self.redis.get(self.prefix + key)
            stored = stored.decode() if isinstance(stored, bytes) else stored
            if stored is None:
                continue  # the lease ran out between the two calls: claim it
            if stored != PENDING:
                return False, stored
            if time.monotonic() >= deadline:
                raise StillPending(key)
            time.sleep(0.1)

    def first_use(self, key: str, digest: str, keep_seconds: int, *, standalone: bool = False) -> bool:
        if self.redis.set(self.prefix + key, digest, nx=True, ex=keep_seconds):
            return True
        stored = self.redis.get(self.prefix + key)
        return (stored.decode() if isinstance(stored, bytes) else stored) in (None, digest)

    def remember(self, key: str, reply: str) -> None:
        self.redis.set(self.prefix + key, reply, ex=int(KEEP.total_seconds()))

    def release(self, key: str) -> None:
        # the handling failed and rolled back: let WeChat's retry try again
        self.redis.delete(self.prefix + key)

    def purge(self, now=None) -> int:
        return 0  # keys expire by themselves
