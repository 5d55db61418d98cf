"""The /wechat callback: authenticate before reading, answer once, answer fast. Thin: the inbound handler
(service.wechat.inbound, wired with the conversation at the root) does the work."""

import logging

from flask import Blueprint, Response, abort, current_app, request

from service import telemetry
from service.intake.identity import mask_openid
from service.wechat import dedupe
from service.wechat.callback import CallbackHandler
from service.wechat.errors import BodyTooLarge, CallbackError, Replayed
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
            max_body_bytes=DEFAULT_MAX_BODY, timestamp_window=config["WECHAT_TIMESTAMP_WINDOW_SECONDS"],
        )
    return existing


@blp.get("/wechat")
def verify():
    try:
        echostr = handler().verify_url(request.args)
        if not dedupe.first_use(request.args["signature"], b"GET", standalone=True):  # a logged GET URL is no POST signature
            raise Replayed("signature already used for a message")
        return Response(echostr, mimetype="text/plain")
    except CallbackError as exc:
        log.warning("wechat URL verification refused: %s", type(exc).__name__)
        abort(exc.http_status)


@blp.post("/wechat")
def receive():
    callback = handler()
    try:
        callback.authenticate(request.args)  # signature, timestamp window, mode: before a byte of the body
        if (request.content_length or 0) > callback.max_body_bytes:
            raise BodyTooLarge(f"declared {request.content_length} bytes")
        body = request.stream.read(callback.max_body_bytes + 1)
        if not dedupe.first_use(request.args["signature"], body):
            raise Replayed("signature already used with another body")
        msg, encode = callback.open(request.args, body)
    except CallbackError as exc:
        log.warning("wechat callback refused: %s", type(exc).__name__)
        abort(exc.http_status)
    try:
        reply = current_app.extensions["wechat_inbound"].handle(msg)
    except dedupe.StillPending:
        log.info("wechat message still being handled by another worker; WeChat will ask again")
        return Response("", status=503)
    except Replayed as exc:  # without Redis the message's claim checks its signature's record
        log.warning("wechat callback refused: %s", type(exc).__name__)
        abort(exc.http_status)
    telemetry.wechat_callback(msg, reply)
    log.info("wechat message", extra={"fields": {
        "type": msg.msg_type, "event": msg.event, "user": mask_openid(msg.from_user), "answered": reply != "success",
    }})
    body = encode(reply if reply == "success" else text_reply(msg, reply))
    return Response(body, mimetype="application/xml" if body.startswith("<") else "text/plain")
