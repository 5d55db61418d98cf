"""The /wechat callback: verify before parsing, answer once, answer fast. Thin: chat.handle does the work."""

import logging

from flask import Blueprint, Response, abort, current_app, request

from service.ops import metrics
from service.wechat import chat
from service.wechat.callback import CallbackHandler
from service.wechat.errors import CallbackError
from service.wechat.messages import mask_openid
from service.wechat.replies import text_reply
from service.wechat.xmlsafe import DEFAULT_MAX_BODY

log = logging.getLogger(__name__)
blp = Blueprint("wechat", __name__)


def handler() -> CallbackHandler:
    existing = current_app.extensions.get("wechat_callback")
    if existing is None:
        config = current_app.config
        existing = current_app.extensions["wechat_callback"] = CallbackHandler(
            config["WECHAT_TOKEN"], appid=config["WECHAT_APPID"], encoding_aes_key=config["WECHAT_AES_KEY"] or None,
            max_body_bytes=DEFAULT_MAX_BODY,
        )
    return existing


@blp.get("/wechat")
def verify():
    try:
        return Response(handler().verify_url(request.args), mimetype="text/plain")
    except CallbackError as exc:
        log.warning("wechat URL verification refused: %s", type(exc).__name__)
        abort(exc.http_status)


@blp.post("/wechat")
def receive():
    callback = handler()
    body = request.stream.read(callback.max_body_bytes + 1)
    try:
        msg, encode = callback.open(request.args, body)
    except CallbackError as exc:
        log.warning("wechat callback refused: %s", type(exc).__name__)
        abort(exc.http_status)
    reply = chat.handle(msg)
    metrics.wechat_callback(msg, reply)
    log.info("wechat message", extra={"fields": {
        "type": msg.msg_type, "event": msg.event, "user": mask_openid(msg.from_user), "answered": reply != "success",
    }})
    body = encode(reply if reply == "success" else text_reply(msg, reply))
    return Response(body, mimetype="application/xml" if body.startswith("<") else "text/plain")
