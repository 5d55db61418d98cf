"""One inbound WeChat message, handled once: dedupe, load the conversation under a lock, answer, store.

Every message type and event gets an answer; `success` where there is nothing to say.
"""

import copy
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db
from service.intake import resident
from service.intake.applicants import protector
from service.intake.identity import mask_openid
from service.intake.models import utcnow
from service.unit_of_work import use_case
from service.wechat import prompts as P
from service.wechat.dedupe import DatabaseDedupe, dedupe_store
from service.wechat.dialogue import Dialogue, idle
from service.wechat.messages import InboundMessage, dedupe_key
from service.wechat.models import Conversation
from service.wechat.ports import DatabasePorts
from service.wechat.replies import SUCCESS

log = logging.getLogger(__name__)
EXPIRES = dt.timedelta(hours=24)
RESUME_AFTER = dt.timedelta(minutes=10)
SILENT_EVENTS = {"VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "subscribe_msg_popup_event",
                 "subscribe_msg_change_event", "subscribe_msg_sent_event", "MASSSENDJOBFINISH"}
EVENT_HOOKS: list = []  # callables(msg) for events other packages consume (delivery receipts)


def handle(msg: InboundMessage) -> str:
    """The reply body's plaintext: a text answer or `success`."""
    store, key = dedupe_store(), dedupe_key(msg)
    claimed = False
    try:
        with use_case() as uow:
            claimed, previous = store.claim(key)
            if not claimed:
                log.info("wechat retry answered from the first delivery", extra={"fields": {"type": msg.msg_type}})
                return previous or SUCCESS
            reply = _dispatch(msg)
            if isinstance(store, DatabaseDedupe):
                store.remember(key, reply)
            uow.commit()
    except BaseException:
        if claimed:  # never another worker's pending claim
            store.release(key)
        raise
    if not isinstance(store, DatabaseDedupe):
        store.remember(key, reply)
    return reply


def _conversation(openid: str) -> Conversation:
    locked = select(Conversation).where(Conversation.openid == openid).with_for_update()
    found = db.session.scalars(locked).first()
    if found is not None:
        return found
    # A resident's first message: insert-if-missing then lock, so two first messages never both create it.
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(Conversation).values(openid=openid, step="idle", data={}, updated_at=utcnow())
                       .on_conflict_do_nothing())
    return db.session.scalars(locked).one()


def _dispatch(msg: InboundMessage) -> str:
    kind = msg.event if msg.is_event else msg.msg_type
    if msg.is_event and kind in SILENT_EVENTS:
        for hook in EVENT_HOOKS:
            hook(msg)
        return SUCCESS
    if kind == "unsubscribe":
        conversation = db.session.get(Conversation, msg.from_user)
        if conversation is not None:
            db.session.delete(conversation)
        return SUCCESS
    conversation = _conversation(msg.from_user)
    # a deep copy: the JSON column is only written when the new value differs from the loaded one
    data, kept = _opened(copy.deepcopy(conversation.data or {}))
    state = {"step": conversation.step, "data": data}
    state["data"].pop("_meta", None)  # bind attempts were counted here before service.intake.guessing
    prefix = _lapse(conversation, state)
    ports = DatabasePorts(msg.from_user)
    dialogue = Dialogue(ports)
    reply = _answer(kind, msg, state, dialogue, ports)
    now = utcnow()
    conversation.step, conversation.data = state["step"], _sealed(state["data"], kept)
    conversation.updated_at, conversation.last_inbound_at = now, now
    return (prefix + reply) if reply != SUCCESS else reply


SEALED_FIELDS = ("id_number", "guardian_id_number")  # encrypted at rest, as in the applicants table
SEAL = "enc:"


def _opened(data: dict) -> tuple[dict, dict]:
    """Decrypt the sealed fields in place; returns the data and {field: (plaintext, stored ciphertext)}."""
    form, kept = data.get("form") or {}, {}
    for key in SEALED_FIELDS:
        if isinstance(form.get(key), str) and form[key].startswith(SEAL):
            kept[key] = (protector().decrypt(form[key][len(SEAL):]), form[key])
            form[key] = kept[key][0]
    return data, kept


def _sealed(data: dict, kept: dict) -> dict:
    """Encrypt the sealed fields; one that did not change keeps its stored ciphertext (no re-encryption)."""
    form = data.get("form")
    if not form:
        return data

    def seal(key, value):
        if key not in SEALED_FIELDS or not value:
            return value
        plain, cipher = kept.get(key, (None, None))
        return cipher if value == plain else SEAL + protector().encrypt(value)

    return {**data, "form": {k: seal(k, v) for k, v in form.items()}}


def _lapse(conversation: Conversation, state: dict) -> str:
    if state["step"] == "idle" or conversation.updated_at is None:
        return ""
    gap = utcnow() - conversation.updated_at
    if gap > EXPIRES:
        state.update(idle())
        return P.EXPIRED
    if gap > RESUME_AFTER and "intake" in state["data"]:
        return P.RESUMED.format(intake=P.SHORT_NAMES[state["data"]["intake"]])
    return ""


def _answer(kind: str, msg: InboundMessage, state: dict, dialogue: Dialogue, ports: DatabasePorts) -> str:
    if kind == "text":
        return dialogue.handle_text(state, msg.content or "")
    if kind == "voice":
        return dialogue.handle_text(state, msg.recognition) if msg.recognition else P.VOICE_UNCLEAR
    if kind == "image":
        return _image(msg, state)
    if kind == "location":
        return _location(msg, state, dialogue, ports)
    if kind in ("video", "shortvideo", "link"):
        return P.OTHER_MEDIA
    if kind in ("subscribe", "SCAN"):
        welcome = dialogue.fmt(P.WELCOME)
        return welcome + ("\n\n" + dialogue.question(state) if state["step"] != "idle" else "")
    if kind == "CLICK":
        return _menu(msg.event_key or "", state, dialogue)
    log.info("wechat message of an unhandled kind", extra={"fields": {"kind": kind, "user": mask_openid(msg.from_user)}})
    return P.UNKNOWN_EVENT


def _image(msg: InboundMessage, state: dict) -> str:
    if state["step"] not in ("idle", "existing", "bind_case", "bind_last4") and "form" in state["data"]:
        state["data"].setdefault("pending_media", []).append({"media_id": msg.media_id, "url": msg.pic_url})
        return P.ATTACHED_PENDING
    case_no = resident.attach(msg.from_user, "image", msg.media_id, msg.pic_url)
    return P.ATTACHED.format(case_no=case_no) if case_no else P.IMAGE_NO_CASE


def _location(msg: InboundMessage, state: dict, dialogue: Dialogue, ports: DatabasePorts) -> str:
    found = ports.nearest_township(msg.location_x, msg.location_y) if msg.location_x is not None else None
    if not found:
        return P.NO_LOCATION_MATCH
    name, km = found
    reply = P.NEAREST.format(township=name, km=f"{km:.1f}")
    if state["step"] in ("village", "child_village"):
        reply += "\n" + P.ONLY_TOWNSHIP.format(township=name)
    return reply


def _menu(key: str, state: dict, dialogue: Dialogue) -> str:
    if key == "APPLY":
        return P.ASK_NEED if state["step"] == "idle" else dialogue.question(state)
    if key == "PROGRESS":
        return dialogue.progress_reply()
    if key == "POLICY":
        return P.POLICY_MENU
    if key == "CONTACT":
        return dialogue.fmt(P.CONTACT)
    log.info("unknown menu key", extra={"fields": {"key": key[:40]}})
    return P.UNKNOWN_EVENT
