"""What every intake use case writes beside its change: the event (published to the subscribers) and the clock."""

import datetime as dt

from service import events
from service.auth.actor import Actor
from service.intake import decisions
from service.intake.models import Application, ApplicationEvent


def record(app, action, from_status, actor: Actor | None, note=None, data=None, label=None):
    app.events.append(ApplicationEvent(
        action=action, from_status=from_status, to_status=app.status, actor_id=actor.id if actor else None,
        actor_label=label or (actor.label if actor else "系统"), note=note, data=data or {},
    ))
    # subscribers (the applicant's notice, wired at the root) write in this same transaction
    events.publish(events.ActionRecorded(app, action))


def set_clock(app: Application, step_deadline: dt.date | None) -> None:
    for name, value in decisions.clock_fields(step_deadline, app.status, app.urgent).items():
        setattr(app, name, value)
