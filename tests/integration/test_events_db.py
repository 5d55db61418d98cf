"""A use case's events reach the subscribers the root wired, inside the use case's transaction: what a
subscriber writes is kept with the change, and a subscriber that fails takes the change (and the notices
written before it failed) down with it."""

import pytest
from sqlalchemy import func, select

from service import events, notify
from service.extensions import db
from service.intake.models import Application, ApplicationEvent
from service.notify.models import SMS, Notification
from tests.integration.test_use_cases import call


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_root_subscribes_the_notices_to_the_intakes_events(app):
    bus = events.install(app)
    assert bus.handlers(events.ActionRecorded) == [notify.on_action_recorded]
    assert bus.handlers(events.FollowerRemoved) == [notify.on_follower_removed]


def test_a_subscriber_hears_the_use_case_inside_its_transaction_and_its_write_is_kept_with_it(app, county):
    heard = []

    def probe(event):
        # the change is in this session, not yet committed: the subscriber sees it and writes beside it
        heard.append((event.action, event.application.status, [e.action for e in event.application.events]))
        db.session.add(Notification(kind="probe", ordering_key="probe", channel=SMS, to_phone="13800000000",
                                    text="探针"))

    events.install(app).subscribe(events.ActionRecorded, probe)
    detail = call(county)
    assert heard == [("submit", "submitted", ["submit"])]
    db.session.rollback()  # nothing pending: only what the use case committed is left
    assert count(Application) == 1
    assert db.session.scalar(select(func.count()).where(Notification.kind == "probe")) == 1
    assert db.session.scalar(select(func.count()).where(Notification.kind == "received")) == 1  # the notice
    assert detail["status"] == "submitted"


def test_a_failing_subscriber_rolls_back_the_change_and_the_notices_already_written(app, county):
    written = []

    def after_the_notice(_event):
        written.append(count(Notification))  # flushed into the open transaction, not committed
        raise RuntimeError("a subscriber failed")

    events.install(app).subscribe(events.ActionRecorded, after_the_notice)  # after notify's subscriber
    with pytest.raises(RuntimeError):
        call(county)
    assert written == [1]  # the applicant's notice was in the transaction when the failure came
    assert [count(Application), count(ApplicationEvent), count(Notification)] == [0, 0, 0]
