"""Plays the WeChat server against a running service: signed (optionally encrypted) callbacks from typed lines.

Lines starting with / are other message types: /image, /voice 文字, /location 33.68 116.62, /subscribe,
/unsubscribe, /menu PROGRESS. Anything else is a text message.
"""

import itertools
import time
from dataclasses import dataclass, field

import requests

from service.wechat.callback import signed_request
from service.wechat.crypto import MessageCrypto
from service.wechat.xmlsafe import cdata, parse_xml

_ids = itertools.count(int(time.time() * 1000))


def inbound_xml(line: str, openid: str, account: str = "gh_relief_demo") -> str:
    now = int(time.time())
    head = (f"<ToUserName>{cdata(account)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{now}</CreateTime>")
    word, _, rest = line.partition(" ")
    msg_id = f"<MsgId>{next(_ids)}</MsgId>"
    if word == "/image":
        body = f"<MsgType>{cdata('image')}</MsgType><PicUrl>{cdata('http://127.0.0.1/demo.jpg')}</PicUrl>" \
               f"<MediaId>{cdata('media-' + str(now))}</MediaId>{msg_id}"
    elif word == "/voice":
        body = f"<MsgType>{cdata('voice')}</MsgType><MediaId>{cdata('voice-' + str(now))}</MediaId>" \
               f"<Format>{cdata('amr')}</Format><Recognition>{cdata(rest)}</Recognition>{msg_id}"
    elif word == "/location":
        lat, lng = (rest.split() + ["33.68", "116.62"])[:2]
        body = f"<MsgType>{cdata('location')}</MsgType><Location_X>{lat}</Location_X><Location_Y>{lng}</Location_Y>" \
               f"<Scale>15</Scale><Label>{cdata('')}</Label>{msg_id}"
    elif word in ("/subscribe", "/unsubscribe"):
        body = f"<MsgType>{cdata('event')}</MsgType><Event>{cdata(word[1:])}</Event>"
    elif word == "/menu":
        body = f"<MsgType>{cdata('event')}</MsgType><Event>{cdata('CLICK')}</Event><EventKey>{cdata(rest)}</EventKey>"
    else:
        body = f"<MsgType>{cdata('text')}</MsgType><Content>{cdata(line)}</Content>{msg_id}"
    return f"<xml>{head}{body}</xml>"


@dataclass
class Simulator:
    url: str
    token: str
    openid: str = "o_demo_resident_0001"
    crypto: MessageCrypto | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def send(self, line: str) -> str:
        args, body = signed_request(self.token, inbound_xml(line, self.openid), crypto=self.crypto)
        response = self.session.post(self.url, params=args, data=body.encode("utf-8"),
                                     headers={"Content-Type": "text/xml"}, timeout=10)
        response.raise_for_status()
        return self.reply_text(response.text)

    def reply_text(self, body: str) -> str:
        if body in ("", "success"):
            return ""
        raw = parse_xml(body)
        if "Encrypt" in raw and self.crypto is not None:
            raw = parse_xml(self.crypto.decrypt(raw["Encrypt"]))
        return raw.get("Content") or ""

