"""The per-app event bus: handlers in order, errors reach the publisher, and nothing happens (no error)
where no app or no bus is wired, as in the pure unit tests of the use cases' helpers."""

import pytest
from flask import Flask

from service import events


def test_publishing_without_an_app_or_a_bus_is_harmless():
    events.publish(events.ActionRecorded(object(), "accept"))  # no app context
    with Flask(__name__).app_context():
        events.publish(events.ActionRecorded(object(), "accept"))  # an app with no bus


def test_handlers_hear_their_own_event_type_in_the_order_they_subscribed():
    app, heard = Flask(__name__), []
    bus = events.install(app)
    bus.subscribe(events.ActionRecorded, lambda e: heard.append(("first", e.action)))
    bus.subscribe(events.ActionRecorded, lambda e: heard.append(("second", e.action)))
    bus.subscribe(events.FollowerRemoved, lambda e: heard.append(("removed", e.openid)))
    with app.app_context():
        events.publish(events.ActionRecorded(object(), "accept"))
    assert heard == [("first", "accept"), ("second", "accept")]


def test_a_failing_handler_fails_the_publisher_and_stops_later_handlers():
    app, heard = Flask(__name__), []
    bus = events.install(app)

    def boom(_event):
        raise RuntimeError("outbox write failed")

    bus.subscribe(events.FollowerRemoved, boom)
    bus.subscribe(events.FollowerRemoved, heard.append)
    with app.app_context(), pytest.raises(RuntimeError):
        events.publish(events.FollowerRemoved(object(), "o-1"))
    assert heard == []


def test_each_app_has_its_own_bus():
    one, two, heard = Flask("one"), Flask("two"), []
    events.install(one).subscribe(events.ActionRecorded, heard.append)
    assert events.install(one) is events.install(one)
    assert events.install(two).handlers(events.ActionRecorded) == []
    with two.app_context():
        events.publish(events.ActionRecorded(object(), "accept"))
    assert heard == []
