"""Notifications: every milestone reaches the applicant through a transactional outbox.

Public functions:
- enqueue_for_event(app, action): called by the intake's _record for every recorded action;
- enqueue_cs_text(openid, text, ...): a customer-service follow-up through the outbox (WeChat dialogue);
- on_wechat_event(msg): a silent WeChat event; the root hands it to service.wechat.inbound, and a
  TEMPLATESENDJOBFINISH updates the notice's delivery (record_template_result);
- init_app(app): adapters, staff API, the `flask notify` commands.
"""

from flask import Flask

from service.notify.services import enqueue_cs_text, enqueue_for_event, record_template_result

__all__ = ["enqueue_cs_text", "enqueue_for_event", "init_app", "on_wechat_event", "record_template_result"]


def on_wechat_event(msg) -> None:
    """A silent WeChat event (wired at the root into service.wechat.inbound): a receipt updates delivery."""
    if msg.event != "TEMPLATESENDJOBFINISH" or not msg.from_user or not (msg.msg_id or "").isdigit():
        return
    record_template_result(msg.from_user, int(msg.msg_id), msg.status or "")


def init_app(app: Flask) -> None:
    from service.extensions import api
    from service.notify import models as _models  # noqa: F401  (tables for Alembic)
    from service.notify.adapters import Adapters
    from service.notify.cli import notify_cli
    from service.notify.views import blp

    app.extensions["notify"] = Adapters(app)
    api.register_blueprint(blp)
    app.cli.add_command(notify_cli)
