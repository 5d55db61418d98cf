"""Inbound WeChat messages and events: safe parsing into a small frozen value, and dedupe keys."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from service.intake.identity import mask_openid

from .errors import ProtocolError
from .xmlsafe import DEFAULT_MAX_BODY, parse_xml

EVENT = "event"
SUBSCRIBE_MSG_EVENTS = {
    "subscribe_msg_popup_event": "SubscribeMsgPopupEvent",
    "subscribe_msg_change_event": "SubscribeMsgChangeEvent",
    "subscribe_msg_sent_event": "SubscribeMsgSentEvent",
}
QRSCENE_PREFIX = "qrscene_"

# Every field is bounded, signed or not: a value past these never came from WeChat and must not reach the
# database (openids are String(64), ids int64) or arithmetic (nan, inf).
_MAX_CHARS = {"Content": 4000, "Recognition": 4000, "Description": 2000, "PicUrl": 2000, "Url": 2000,
              "Title": 500, "Label": 500, "EventKey": 256, "MediaId": 256, "ThumbMediaId": 256, "Ticket": 256}
_DEFAULT_MAX_CHARS = 128
_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DIGITS = {"CreateTime": 10, "MsgId": 20, "MsgID": 20, "Scale": 6, "ErrorCode": 10}
_RANGES = {"Location_X": 90.0, "Location_Y": 180.0, "Latitude": 90.0, "Longitude": 180.0, "Precision": 1e6}

_COMMON_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
# Fields without which a message of that type is useless; unknown types only need the common ones.
_REQUIRED_BY_TYPE = {
    "text": ("MsgId", "Content"),
    "image": ("MsgId", "MediaId"),
    "voice": ("MsgId", "MediaId"),
    "video": ("MsgId", "MediaId"),
    "shortvideo": ("MsgId", "MediaId"),
    "location": ("MsgId", "Location_X", "Location_Y"),
    "link": ("MsgId", "Url"),
    EVENT: ("Event",),
}


@dataclass(frozen=True)
class SubscriptionItem:
    """One <List> entry of a subscribe_msg_* event."""

    template_id: str
    status: str | None  # SubscribeStatusString (accept/reject) or ErrorStatus for sent events
    popup_scene: str | None = None
    msg_id: str | None = None
    error_code: int | None = None


@dataclass(frozen=True, repr=False)
class InboundMessage:
    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    msg_id: str | None = None
    content: str | None = None
    recognition: str | None = None
    media_id: str | None = None
    format: str | None = None
    thumb_media_id: str | None = None
    pic_url: str | None = None
    location_x: float | None = None
    location_y: float | None = None
    scale: int | None = None
    label: str | None = None
    title: str | None = None
    description: str | None = None
    url: str | None = None
    event: str | None = None
    event_key: str | None = None
    ticket: str | None = None
    status: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: float | None = None
    subscriptions: tuple[SubscriptionItem, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_event(self) -> bool:
        return self.msg_type == EVENT

    @property
    def text(self) -> str | None:
        """What the user said: typed text, or the voice transcript when recognition is on."""
        return self.content if self.msg_type == "text" else self.recognition

    @property
    def scene(self) -> str | None:
        """QR-code scene: EventKey of SCAN, or the qrscene_ suffix of a subscribe."""
        if self.event == "SCAN":
            return self.event_key or None
        if self.event == "subscribe" and self.event_key and self.event_key.startswith(QRSCENE_PREFIX):
            return self.event_key[len(QRSCENE_PREFIX) :]
        return None

    def __repr__(self) -> str:
        # never the content or the full openid: reprs end up in logs
        what = f"event={self.event!r}" if self.is_event else f"msg_id={self.msg_id!r}"
        return f"InboundMessage({self.msg_type!r}, from={mask_openid(self.from_user)}, {what})"


def dedupe_key(msg: InboundMessage) -> str:
    """Key for the shared dedupe store (WECHAT.md): messages by sender + MsgId,
    events by sender + CreateTime + Event (+ EventKey), plus MsgID where an event carries one
    (two TEMPLATESENDJOBFINISH for one user in the same second must not collapse)."""
    if not msg.is_event:
        return f"msg:{msg.from_user}:{msg.msg_id}"
    key = f"evt:{msg.from_user}:{msg.create_time}:{msg.event}"
    if msg.event_key:
        key += f":{msg.event_key}"
    if msg.msg_id:
        key += f":#{msg.msg_id}"
    return key


def parse_message(body: bytes | str, max_bytes: int = DEFAULT_MAX_BODY) -> InboundMessage:
    """Parse a plaintext callback body; raise ProtocolError (or a subclass) when unusable."""
    return message_from_dict(parse_xml(body, max_bytes))


def message_from_dict(raw: Mapping[str, Any]) -> InboundMessage:
    msg_type = _text(raw, "MsgType")
    required = _COMMON_REQUIRED + _REQUIRED_BY_TYPE.get(msg_type or "", ())
    # a blank text is still a message from a resident (answered with help), not a protocol error
    missing = [name for name in required if not (_text(raw, name) or (name == "Content" and name in raw))]
    if missing:
        raise ProtocolError(f"missing fields: {', '.join(missing)}")
    event = _text(raw, "Event")
    for name in ("ToUserName", "FromUserName"):
        if not _OPENID.match(_text(raw, name)):
            raise ProtocolError(f"{name} is not an account id")
    msg_id = _text(raw, "MsgId") or _text(raw, "MsgID")
    if msg_id is not None and not (msg_id.isascii() and msg_id.isdigit() and len(msg_id) <= _DIGITS["MsgId"]):
        raise ProtocolError("MsgId is not a 64-bit number")
    return InboundMessage(
        to_user=_text(raw, "ToUserName"),
        from_user=_text(raw, "FromUserName"),
        create_time=_number(raw, "CreateTime", int),
        msg_type=msg_type,
        msg_id=msg_id,
        content=_text(raw, "Content", strip=False),
        recognition=_text(raw, "Recognition", strip=False),
        media_id=_text(raw, "MediaId"),
        format=_text(raw, "Format"),
        thumb_media_id=_text(raw, "ThumbMediaId"),
        pic_url=_text(raw, "PicUrl"),
        location_x=_number(raw, "Location_X", float),
        location_y=_number(raw, "Location_Y", float),
        scale=_number(raw, "Scale", int),
        label=_text(raw, "Label", strip=False),
        title=_text(raw, "Title", strip=False),
        description=_text(raw, "Description", strip=False),
        url=_text(raw, "Url"),
        event=event,
        event_key=_text(raw, "EventKey"),
        ticket=_text(raw, "Ticket"),
        status=_text(raw, "Status"),
        latitude=_number(raw, "Latitude", float),
        longitude=_number(raw, "Longitude", float),
        precision=_number(raw, "Precision", float),
        subscriptions=_subscriptions(raw, event),
        raw=MappingProxyType(dict(raw)),
    )


def _text(raw: Mapping[str, Any], name: str, strip: bool = True) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"{name} must be a single text field")
    if len(value) > _MAX_CHARS.get(name, _DEFAULT_MAX_CHARS):
        raise ProtocolError(f"{name} is longer than WeChat sends")
    return value.strip() if strip else value


def _number(raw: Mapping[str, Any], name: str, kind: type) -> Any:
    value = _text(raw, name)
    if not value:
        return None
    if kind is int:
        if not (value.isascii() and value.lstrip("-").isdigit() and len(value.lstrip("-")) <= _DIGITS.get(name, 10)):
            raise ProtocolError(f"{name} is not a number WeChat sends")
        return int(value)
    try:
        number = float(value)
    except ValueError:
        raise ProtocolError(f"{name} is not a number") from None
    if not math.isfinite(number) or abs(number) > _RANGES.get(name, 1e9):
        raise ProtocolError(f"{name} is out of range")
    return number


def _subscriptions(raw: Mapping[str, Any], event: str | None) -> tuple[SubscriptionItem, ...]:
    container = SUBSCRIBE_MSG_EVENTS.get(event or "")
    if container is None:
        return ()
    block = raw.get(container)
    if not isinstance(block, Mapping):
        raise ProtocolError(f"{event} without {container}")
    entries = block.get("List")
    entries = entries if isinstance(entries, list) else [entries]
    items = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not _text(entry, "TemplateId"):
            raise ProtocolError(f"{container} entry without TemplateId")
        items.append(
            SubscriptionItem(
                template_id=_text(entry, "TemplateId"),
                status=_text(entry, "SubscribeStatusString") or _text(entry, "ErrorStatus"),
                popup_scene=_text(entry, "PopupScene"),
                msg_id=_text(entry, "MsgID"),
                error_code=_number(entry, "ErrorCode", int),
            )
        )
    return tuple(items)
