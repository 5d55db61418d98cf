"""What the use cases tell the rest of the house, and the per-app bus that carries it.

A use case publishes an event where its state change happens (intake's `_record`, a follower's removal);
the composition root (service/__init__.py create_app) subscribes the handlers, so intake never imports
who listens. Handlers run synchronously, inside the publishing use case's transaction: the notices'
outbox rows are written by a handler and kept or rolled back with the change that caused them (the
transactional outbox), and a failing handler fails the use case. Sending happens later, after commit,
in the notification worker.

The bus is per application (app.extensions["events"]); with no app or no bus (pure unit tests)
publishing does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context

EXTENSION = "events"


@dataclass(frozen=True)
class ActionRecorded:
    """An action on an application was recorded (its ApplicationEvent appended, status already moved).
    `application` is the ORM object of the publishing transaction; its id may still be unflushed."""

    application: Any
    action: str


@dataclass(frozen=True)
class FollowerRemoved:
    """Staff stopped a WeChat account hearing about an application (inside the removal's transaction)."""

    application: Any
    openid: str


@dataclass(frozen=True)
class AttachmentRecorded:
    """A resident's material was attached to an application (inside the attaching transaction); a chat
    photo's bytes are still at WeChat (`attachment.media_id`) until someone fetches them."""

    attachment: Any


Handler = Callable[[Any], None]


class Bus:
    """Handlers by event type, called in the order they subscribed."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = {}

    def subscribe(self, event_type: type, handler: Handler) -> None:
        self._handlers.setdefault(event_type, []).append(handler)

    def handlers(self, event_type: type) -> list[Handler]:
        return list(self._handlers.get(event_type, ()))

    def publish(self, event: Any) -> None:
        for handler in self._handlers.get(type(event), ()):
            handler(event)  # an error propagates: the publishing use case rolls back with it


def install(app: Flask) -> Bus:
    """The app's bus, created on first use (the root subscribes to it)."""
    return app.extensions.setdefault(EXTENSION, Bus())


def publish(event: Any) -> None:
    """Hand `event` to the current app's subscribers now, in the caller's transaction."""
    if not has_app_context():
        return
    bus = current_app.extensions.get(EXTENSION)
    if bus is not None:
        bus.publish(event)
