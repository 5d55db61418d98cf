"""The notification worker's heartbeat: one row per worker process, touched as it loops, so `doctor` and
/metrics can tell a running worker from one that died (a dead worker means no notice reaches anyone)."""

import datetime as dt
import math
import time

from sqlalchemy import DateTime, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from service.clock import utcnow
from service.extensions import db
from service.unit_of_work import use_case

BEAT_EVERY_SECONDS = 15.0  # a write per loop would cost the busy worker a commit every poll
FORGET_AFTER = dt.timedelta(days=7)  # rows of workers long gone (each restart is a new host:pid name)


class WorkerHeartbeat(db.Model):
    __tablename__ = "worker_heartbeats"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Heartbeat:
    """One worker's heartbeat; it remembers its own last write (no state shared by the process)."""

    def __init__(self, name: str):
        self.name = name[:100]
        self._last_write = -math.inf  # monotonic time

    def beat(self, *, now: dt.datetime | None = None, force: bool = False) -> bool:
        """Record that this worker is alive (at most every BEAT_EVERY_SECONDS unless forced)."""
        ticking = time.monotonic()
        if not force and ticking - self._last_write < BEAT_EVERY_SECONDS:
            return False
        now = now or utcnow()
        with use_case() as uow:
            row = db.session.get(WorkerHeartbeat, self.name)
            if row is None:
                db.session.add(WorkerHeartbeat(name=self.name, started_at=now, beat_at=now))
            else:
                row.beat_at = now
            db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))
            uow.commit()
        self._last_write = ticking
        return True


def last_beat() -> dt.datetime | None:
    """When any worker last said it was alive (UTC, naive), or None if none ever did."""
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))


def age_seconds(now: dt.datetime | None = None) -> float | None:
    latest = last_beat()
    return None if latest is None else max(0.0, ((now or utcnow()) - latest).total_seconds())
