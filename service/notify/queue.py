"""The outbox as a work queue: claim due rows, then record what became of each.

Claiming: one short transaction finds due rows, locks some and marks them `sending` with a lease and
a claim token. On PostgreSQL the lock is FOR UPDATE SKIP LOCKED, so concurrent workers pass over each
other's rows; on SQLite the single writer serialises claims. In both, the UPDATE re-checks that each
row is still due, so a row is never claimed twice while its lease runs.

Order: only the oldest unsettled (pending or sending) row of each ordering_key can be claimed, so the
notices of one application arrive in the order of the changes, even across outages and retries.

A worker that dies after sending but before recording leaves its rows `sending`; when the lease runs
out another worker claims them again and resends with the same idempotency key.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, bindparam, event, func, or_, select, update

from service.extensions import db
from service.intake.models import FETCH_FAILED, Application, Attachment
from service.notify.models import DEAD, MEDIA_FETCH, PENDING, SENDING, SENT, SMS, UNSETTLED, Notification
from service.unit_of_work import use_case

SMS_MERGED = "同一通知已有短信发往这个手机号，不再重复发送"


@dataclass(frozen=True)
class Job:
    """A claimed row, detached from the session: everything needed to send it."""

    id: int
    claim_token: str
    kind: str
    channel: str
    attempts: int
    idempotency_key: str
    text: str
    sms_sign: str
    template_id: str | None
    fields: dict
    url: str | None
    openid: str | None  # the follower (or customer-service recipient); none: SMS to the application's phone
    phone: str | None  # the explicit phone, else the application's contact phone at claim time
    application_id: int | None
    lease_until: dt.datetime
    notice_key: str | None = None


def relax_commits(engine) -> None:
    """For a worker process's own engine: commit without waiting for PostgreSQL's WAL flush. If the
    server crashed and lost the last few milliseconds of claims and outcomes, those rows would merely
    be sent again under their idempotency keys, which at-least-once delivery allows. Outbox rows
    themselves are written by the use cases in the web processes, with the normal durable commit."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _relaxed(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        dbapi_connection.commit()

    engine.dispose()  # connections opened before this point reconnect with the setting


def _due(n, now: dt.datetime):
    return or_(
        and_(n.status == PENDING, n.next_attempt_at <= now),
        and_(n.status == SENDING, n.lease_until < now),  # its worker died or hung
    )


def _due_heads(now: dt.datetime, limit: int):
    """Ids of due rows that are the oldest unsettled row of their sequence, oldest due first.

    One pass over the unsettled rows with a window function: no join for the planner to get wrong
    (a correlated NOT EXISTS turns quadratic whenever PostgreSQL's statistics lag behind a burst)."""
    n = Notification
    ranked = select(
        n.id, n.status, n.next_attempt_at, n.lease_until,
        func.row_number().over(partition_by=n.ordering_key, order_by=n.id).label("rank"),
    ).where(n.status.in_(UNSETTLED)).subquery()
    return (select(ranked.c.id).where(ranked.c.rank == 1, _due(ranked.c, now))
            .order_by(ranked.c.next_attempt_at, ranked.c.id).limit(limit))


def claim(limit: int, *, now: dt.datetime, lease_seconds: float) -> list[Job]:
    """Claim up to `limit` due rows for this worker; returns them oldest due first."""
    n = Notification
    token = secrets.token_hex(16)
    with use_case() as uow:
        # a few times the batch, so concurrent workers that see the same heads each find rows to lock
        heads = list(db.session.scalars(_due_heads(now, limit * 4)))
        if not heads:
            return []
        lock = select(n.id).where(n.id.in_(heads), _due(n, now)).order_by(n.next_attempt_at, n.id).limit(limit)
        if db.engine.dialect.name == "postgresql":
            lock = lock.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(lock))
        if not ids:
            return []
        claimed = db.session.execute(
            update(n).where(n.id.in_(ids), _due(n, now))
            .values(status=SENDING, claim_token=token, attempts=n.attempts + 1,
                    lease_until=now + dt.timedelta(seconds=lease_seconds))
            .returning(n.id).execution_options(synchronize_session=False)
        ).scalars().all()
        if not claimed:
            return []
        rows = db.session.execute(
            select(n, Application.contact_phone)
            .outerjoin(Application, Application.id == n.application_id)
            .where(n.id.in_(claimed)).order_by(n.next_attempt_at, n.id)
            .execution_options(populate_existing=True)
        ).all()
        jobs = [_job(row, phone) for row, phone in rows]
        uow.commit()
        return jobs


def _job(row: Notification, contact_phone: str | None) -> Job:
    return Job(
        id=row.id, claim_token=row.claim_token, kind=row.kind, channel=row.channel, attempts=row.attempts,
        idempotency_key=row.idempotency_key, text=row.text, sms_sign=row.sms_sign or "",
        template_id=row.template_id, fields=dict(row.fields or {}), url=row.url,
        openid=row.to_openid, phone=row.to_phone or contact_phone,
        application_id=row.application_id, lease_until=row.lease_until, notice_key=row.notice_key,
    )


@lru_cache(maxsize=16)
def _settle_statement(keys: tuple[str, ...]):
    """UPDATE … WHERE id, claim token and `sending` match, built once per set of columns: a worker
    records thousands of outcomes, and building the statement each time was most of its CPU."""
    t = Notification.__table__
    return update(t).where(
        t.c.id == bindparam("row_id"), t.c.claim_token == bindparam("row_token"), t.c.status == SENDING,
    ).values(claim_token=None, lease_until=None, updated_at=bindparam("row_now"),
             **{key: bindparam(f"v_{key}") for key in keys})


def _params(job: Job, now: dt.datetime, values: dict) -> dict:
    return {"row_id": job.id, "row_token": job.claim_token, "row_now": now,
            **{f"v_{key}": value for key, value in values.items()}}


def _settle(job: Job, now: dt.datetime, **values) -> bool:
    """Write the outcome if the row is still ours (its lease may have run out and been re-claimed)."""
    with use_case() as uow:
        settled = settle_row(job, now, values)
        uow.commit()
        return settled


def settle_row(job: Job, now: dt.datetime, values: dict) -> bool:
    return db.session.execute(_settle_statement(tuple(sorted(values))), _params(job, now, values)).rowcount == 1


def _sent(now: dt.datetime, via: str, openid: str | None, phone: str | None, msgid: int | None) -> dict:
    recipient = {"to_phone": phone} if via == SMS else {"to_openid": openid}  # a follower's row keeps its openid
    return {"status": SENT, "sent_via": via, "sent_at": now, "wechat_msgid": msgid, "last_error": None,
            **recipient}


def record_sent(job: Job, now: dt.datetime, *, via: str, openid: str | None, phone: str | None,
                msgid: int | None = None) -> bool:
    return _settle(job, now, **_sent(now, via, openid, phone, msgid))


def record_sent_many(sent: list[tuple[Job, str, str | None, str | None, int | None]], now: dt.datetime) -> None:
    """(job, via, openid, phone, msgid) for several sends, in one transaction: a concurrent worker
    finishes sends in bunches, and a commit per row was a good share of its CPU."""
    if not sent:
        return
    groups: dict[tuple[str, ...], list[dict]] = {}
    for job, via, openid, phone, msgid in sent:
        values = _sent(now, via, openid, phone, msgid)
        groups.setdefault(tuple(sorted(values)), []).append(_params(job, now, values))
    with use_case() as uow:
        for keys, rows in groups.items():  # one executemany per set of columns (WeChat rows, SMS rows)
            db.session.execute(_settle_statement(keys), rows)
        uow.commit()


def sms_already_covers(notice_key: str | None, phone: str, row_id: int) -> bool:
    """Whether another row of this notice already goes (or went) by SMS to `phone`. The notice's rows are
    locked in id order first, so two followers falling back at once wait for each other instead of both
    sending; call it inside the unit of work that then converts the row."""
    if not notice_key:
        return False
    n = Notification
    rows = select(n.id, n.channel, n.to_phone).where(n.notice_key == notice_key).order_by(n.id)
    if db.engine.dialect.name == "postgresql":
        rows = rows.with_for_update()
    return any(i != row_id and channel == SMS and to == phone for i, channel, to in db.session.execute(rows))


def record_retry(job: Job, now: dt.datetime, *, delay: float, error: str) -> bool:
    return _settle(job, now, status=PENDING, next_attempt_at=now + dt.timedelta(seconds=delay),
                   last_error=error[:255])


def record_deferred(job: Job, now: dt.datetime, *, delay: float, error: str | None = None) -> bool:
    """Not sent, through no fault of the notice (WeChat asked us to slow down, the lease ran short, the
    worker is stopping): back in the queue after `delay`, and this attempt does not count."""
    extra = {"last_error": error[:255]} if error else {}
    return _settle(job, now, status=PENDING, next_attempt_at=now + dt.timedelta(seconds=delay),
                   attempts=max(0, job.attempts - 1), **extra)


def record_fallback(job: Job, now: dt.datetime, *, phone: str, reason: str) -> bool:
    """WeChat refused because of the user: the same notice goes by SMS, with a fresh retry budget; when
    another follower's row of this notice already goes to that phone by SMS, this one is done with it."""
    with use_case() as uow:
        if sms_already_covers(job.notice_key, phone, job.id):
            values = {"status": SENT, "sent_via": SMS, "sent_at": now, "fallback_reason": reason[:100],
                      "last_error": SMS_MERGED}
        else:
            values = {"status": PENDING, "channel": SMS, "to_phone": phone, "next_attempt_at": now, "attempts": 0,
                      "fallback_reason": reason[:100], "last_error": reason[:255]}
        settled = settle_row(job, now, values)
        uow.commit()
        return settled


def record_dead(job: Job, now: dt.datetime, *, error: str, tried_openid: str | None = None) -> bool:
    """Given up; the WeChat user tried is kept so staff can see whom it was for."""
    extra = {"to_openid": tried_openid} if tried_openid else {}
    with use_case() as uow:
        settled = settle_row(job, now, {"status": DEAD, "last_error": error[:255], **extra})
        if settled and job.kind == MEDIA_FETCH:  # the case page says the photo is not coming
            db.session.execute(update(Attachment).where(Attachment.id == int(job.fields["attachment_id"]))
                               .values(fetch_status=FETCH_FAILED, fetch_error=error[:255]))
        uow.commit()
        return settled


def unsettled_count() -> int:
    """Rows still to send or in flight (including those waiting out a back-off)."""
    count = db.session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.status.in_(UNSETTLED)))
    db.session.rollback()  # end the read transaction: a worker must not sit on a snapshot
    return int(count or 0)
