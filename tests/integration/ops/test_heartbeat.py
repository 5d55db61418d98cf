"""The notification worker says it is alive, often enough to watch and seldom enough to cost nothing."""

import datetime as dt

from sqlalchemy import select

from service.extensions import db
from service.notify import heartbeat
from service.notify.heartbeat import WorkerHeartbeat


def test_the_worker_command_leaves_a_heartbeat(app, runner):
    before = heartbeat.utcnow()
    result = runner.invoke(args=["notify", "worker", "--until-idle", "--name", "hb-test-worker"])
    assert result.exit_code == 0, result.output
    row = db.session.get(WorkerHeartbeat, "hb-test-worker")
    assert row is not None and row.beat_at >= before - dt.timedelta(seconds=1)
    assert heartbeat.age_seconds() < 60


def test_beats_are_written_at_most_every_fifteen_seconds_and_old_workers_are_forgotten(app):
    now = heartbeat.utcnow()
    db.session.add(WorkerHeartbeat(name="gone:123", started_at=now - dt.timedelta(days=9),
                                   beat_at=now - dt.timedelta(days=8)))
    db.session.commit()
    beating = heartbeat.Heartbeat("hb-throttle")
    assert beating.beat(now=now) is True
    assert beating.beat(now=now + dt.timedelta(seconds=1)) is False  # within 15 s: no write
    assert db.session.get(WorkerHeartbeat, "hb-throttle").beat_at == now
    assert beating.beat(now=now + dt.timedelta(seconds=2), force=True) is True
    assert db.session.scalars(select(WorkerHeartbeat.name)).all() == ["hb-throttle"]
    assert heartbeat.last_beat() == now + dt.timedelta(seconds=2)
