"""Notifications: every milestone reaches the applicant through a transactional outbox.

Public functions:
- enqueue_for_event(app, action): called by the intake's _record for every recorded action;
- enqueue_cs_text(openid, text, ...): a customer-service follow-up through the outbox (WeChat dialogue);
- record_template_result(openid, msgid, status): TEMPLATESENDJOBFINISH from the WeChat callback;
- init_app(app): adapters, staff API and the `flask notify` commands.
"""

from flask import Flask

from service.notify.services import enqueue_cs_text, enqueue_for_event, record_template_result

__all__ = ["enqueue_cs_text", "enqueue_for_event", "init_app", "record_template_result"]


def init_app(app: Flask) -> None:
    from service.extensions import api
    from service.notify import models as _models  # noqa: F401  (tables for Alembic)
    from service.notify.adapters import Adapters
    from service.notify.cli import notify_cli
    from service.notify.views import blp

    app.extensions["notify"] = Adapters(app)
    api.register_blueprint(blp)
    app.cli.add_command(notify_cli)
