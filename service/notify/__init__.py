"""Notifications: every milestone reaches the applicant through a transactional outbox.

Public functions:
- enqueue_for_event(app, action): called by the intake's _record for every recorded action;
- enqueue_cs_text(openid, text, ...): a customer-service follow-up through the outbox (WeChat dialogue);
- record_template_result(openid, msgid, status): TEMPLATESENDJOBFINISH from the WeChat callback
  (init_app registers on_wechat_event with service.wechat.chat.EVENT_HOOKS, which calls it);
- init_app(app): adapters, staff API, the `flask notify` commands and the delivery-receipt hook.
"""

from flask import Flask

from service.notify.services import enqueue_cs_text, enqueue_for_event, record_template_result

__all__ = ["enqueue_cs_text", "enqueue_for_event", "init_app", "on_wechat_event", "record_template_result"]


def on_wechat_event(msg) -> None:
    """A silent WeChat event (service.wechat.chat.EVENT_HOOKS): TEMPLATESENDJOBFINISH updates delivery."""
    if msg.event != "TEMPLATESENDJOBFINISH" or not msg.from_user or not (msg.msg_id or "").isdigit():
        return
    record_template_result(msg.from_user, int(msg.msg_id), msg.status or "")


def init_app(app: Flask) -> None:
    from service.extensions import api
    from service.notify import models as _models  # noqa: F401  (tables for Alembic)
    from service.notify.adapters import Adapters
    from service.notify.cli import notify_cli
    from service.notify.views import blp
    from service.wechat import chat

    app.extensions["notify"] = Adapters(app)
    api.register_blueprint(blp)
    app.cli.add_command(notify_cli)
    if on_wechat_event not in chat.EVENT_HOOKS:
        chat.EVENT_HOOKS.append(on_wechat_event)
