"""Notifications: every milestone reaches the applicant through a transactional outbox.

The root (service/__init__.py create_app) wires this package in; nothing in intake imports it:
- on_action_recorded / on_follower_removed: subscribers to service.events; they write or redirect the
  outbox rows inside the publishing use case's transaction (kept or rolled back with it);
- enqueue_cs_text(openid, text, ...): a customer-service follow-up through the outbox (the conversation);
- on_attachment_recorded: a chat photo's fetch from WeChat's media API joins the outbox (media.py);
- on_wechat_event(msg): a silent WeChat event; the root hands it to service.wechat.inbound, and a
  TEMPLATESENDJOBFINISH updates the notice's delivery (record_template_result);
- init_app(app, adapters): the sender ports the worker uses (adapters.py, built at the root), the staff
  API, the `flask notify` commands. The worker's periodic jobs are registered by the root (jobs.py).
"""

from flask import Flask

from service.notify.services import (
    enqueue_cs_text,
    enqueue_for_event,
    record_template_result,
    retarget_unsent,
)

__all__ = ["enqueue_cs_text", "enqueue_for_event", "init_app", "on_action_recorded", "on_attachment_recorded",
           "on_follower_removed", "on_wechat_event", "record_template_result"]


def on_action_recorded(event) -> None:
    """service.events.ActionRecorded: the applicant's notice of this action, if it has one."""
    enqueue_for_event(event.application, event.action)


def on_follower_removed(event) -> None:
    """service.events.FollowerRemoved: the account's unsent notices go to the others or by SMS."""
    retarget_unsent(event.application, event.openid)


def on_wechat_event(msg) -> None:
    """A silent WeChat event (wired at the root into service.wechat.inbound): a receipt updates delivery."""
    if msg.event != "TEMPLATESENDJOBFINISH" or not msg.from_user or not (msg.msg_id or "").isdigit():
        return
    record_template_result(msg.from_user, int(msg.msg_id), msg.status or "")


def on_attachment_recorded(event) -> None:
    """service.events.AttachmentRecorded: a chat photo's fetch joins the outbox in the same transaction."""
    from service.notify.media import on_attachment_recorded as enqueue_fetch

    enqueue_fetch(event)


def init_app(app: Flask, adapters) -> None:
    """`adapters`: a service.notify.adapters.Adapters built at the root with the chosen sender ports."""
    from service.extensions import api
    from service.notify import heartbeat as _heartbeat  # noqa: F401  (tables for Alembic)
    from service.notify import models as _models  # noqa: F401
    from service.notify.cli import notify_cli
    from service.notify.views import blp

    app.extensions["notify"] = adapters
    api.register_blueprint(blp)
    app.cli.add_command(notify_cli)
