"""One turn of the conversation: load the resident's conversation under a lock, answer, store it.

Every message type and event gets an answer; "" where there is nothing to say (the protocol edge,
service.wechat.inbound, claims the delivery, answers `success` for "" and commits).
"""

import datetime as dt
import logging
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.chat import prompts as P
from service.chat.dialogue import Dialogue, idle
from service.chat.models import Conversation
from service.chat.ports import DatabasePorts
from service.clock import utcnow
from service.extensions import db
from service.intake import resident
from service.intake.applicants import protector
from service.intake.identity import mask_openid

log = logging.getLogger(__name__)
EXPIRES = dt.timedelta(hours=24)
RESUME_AFTER = dt.timedelta(minutes=10)
_TABLE = Conversation.__table__


def _create_if_missing(insert):
    # RETURNING tells whether this insert made the row (else a concurrent first message did)
    return insert(_TABLE).values(openid=bindparam("o"), step="idle", data=bindparam("d", type_=_TABLE.c.data.type),
                                 updated_at=bindparam("at")).on_conflict_do_nothing().returning(_TABLE.c.openid)


class _Created(NamedTuple):  # the row this turn inserted, as LOCK would read it
    step: str
    data: dict
    updated_at: dt.datetime


# Built once and run on the session's connection (its transaction): the turn reads the conversation as a row
# and writes it back with one UPDATE, so the ORM's per-statement work, change tracking and deep copy are saved.
LOCK = select(_TABLE.c.step, _TABLE.c.data, _TABLE.c.updated_at).where(_TABLE.c.openid == bindparam("o")).with_for_update()
CREATE = {"postgresql": _create_if_missing(pg_insert), "sqlite": _create_if_missing(sqlite_insert)}
STORE = update(_TABLE).where(_TABLE.c.openid == bindparam("o")).values(
    step=bindparam("s"), data=bindparam("d", type_=_TABLE.c.data.type), updated_at=bindparam("at"),
    last_inbound_at=bindparam("at"))
FORGET = delete(_TABLE).where(_TABLE.c.openid == bindparam("o"))


def reply(msg) -> str:
    """The answer to one message or event (a wechat InboundMessage), "" when there is nothing to say. Runs
    inside the caller's unit of work (service.wechat.inbound), which claims the delivery and commits."""
    kind = msg.event if msg.is_event else msg.msg_type
    conn = db.session.connection()
    if kind == "unsubscribe":
        conn.execute(FORGET, {"o": msg.from_user})
        return ""
    conversation = _conversation(conn, msg.from_user)
    data, kept = _opened(conversation.data or {})  # a fresh dict from the row: changed in place freely
    state = {"step": conversation.step, "data": data}
    state["data"].pop("_meta", None)  # bind attempts were counted here before service.intake.guessing
    prefix = _lapse(conversation, state)
    ports = DatabasePorts(msg.from_user)
    dialogue = Dialogue(ports)
    answer = _answer(kind, msg, state, dialogue, ports)
    conn.execute(STORE, {"o": msg.from_user, "s": state["step"], "d": _sealed(state["data"], kept), "at": utcnow()})
    return (prefix + answer) if answer else ""


def _conversation(conn, openid: str):
    """The conversation's row (step, data, updated_at), locked until the turn's transaction ends."""
    found = conn.execute(LOCK, {"o": openid}).first()
    if found is not None:
        return found
    # A resident's first message: insert-if-missing, so two first messages never both create it. A row this
    # transaction inserted is seen by no other until the commit (a concurrent first message's insert waits
    # on it, then locks it), so it is as good as locked and needs no second read; else lock the other's row.
    at = utcnow()
    if conn.execute(CREATE[conn.dialect.name], {"o": openid, "d": {}, "at": at}).first() is not None:
        return _Created("idle", {}, at)
    return conn.execute(LOCK, {"o": openid}).one()


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


def _lapse(conversation, state: dict) -> str:
    if state["step"] == "idle" or conversation.updated_at is None:
        return ""
    gap = utcnow() - conversation.updated_at
    if gap > EXPIRES:
        state.update(idle())
        return P.EXPIRED
    if gap > RESUME_AFTER and "intake" in state["data"]:
        return P.RESUMED.format(intake=P.SHORT_NAMES[state["data"]["intake"]])
    return ""


def _answer(kind: str, msg, state: dict, dialogue: Dialogue, ports: DatabasePorts) -> str:
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


def _image(msg, state: dict) -> str:
    if state["step"] not in ("idle", "existing", "bind_case", "bind_last4") and "form" in state["data"]:
        state["data"].setdefault("pending_media", []).append({"media_id": msg.media_id, "url": msg.pic_url})
        return P.ATTACHED_PENDING
    case_no = resident.attach(msg.from_user, "image", msg.media_id, msg.pic_url)
    return P.ATTACHED.format(case_no=case_no) if case_no else P.IMAGE_NO_CASE


def _location(msg, state: dict, dialogue: Dialogue, ports: DatabasePorts) -> str:
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


def open_windows(openids: set[str], since: dt.datetime) -> set[str]:
    """Which of these residents wrote since `since` (WeChat's customer-service window is open for them)."""
    return set(db.session.scalars(select(Conversation.openid).where(
        Conversation.openid.in_(openids), Conversation.last_inbound_at > since)))
