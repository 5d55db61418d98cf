"""A resident who stopped half-way through an application gets one nudge, with the question they left at.

Many applicants are elderly and drop off mid-form (a call, a child to fetch). The notification worker runs
this every scan: conversations idle for WECHAT_RESUME_REMINDER_HOURS, still inside their 24 hours and
WeChat's 48-hour customer-service window, get one customer-service message per pause, in daytime only.
"""

import datetime as dt
import hashlib

from flask import current_app
from sqlalchemy import select

from service.chat import prompts as P
from service.chat.models import Conversation
from service.chat.turn import EXPIRES
from service.extensions import db
from service.notify.periodic import enqueue_once
from service.notify.services import enqueue_cs_text

DAYTIME = range(8, 21)  # Beijing hours when a nudge may arrive; a pause at night is nudged next morning
SPARE = dt.timedelta(hours=1)  # no nudge when the half-filled form lapses within the hour


def reminder_key(openid: str, paused_at: dt.datetime) -> str:
    return f"resume:{hashlib.sha256(openid.encode()).hexdigest()[:24]}:{paused_at.isoformat()}"


def reminder_text(state: dict) -> str | None:
    """The nudge for a conversation's state, or None when it is not in the middle of a form."""
    data, step = state.get("data") or {}, state.get("step")
    intake = data.get("intake")
    if intake not in P.SHORT_NAMES or "form" not in data:
        return None
    if step == "summary":
        question = P.REMIND_SUMMARY
    elif not (question := P.question_for(step, data.get("said", ""))):
        return None
    return P.REMIND.format(intake=P.SHORT_NAMES[intake], question=question)


def remind_stalled(now: dt.datetime, beijing_hour: int, *, limit: int = 200) -> int:
    """Queue the nudges due at `now` (UTC); returns how many were written."""
    hours = float(current_app.config.get("WECHAT_RESUME_REMINDER_HOURS", 2))
    if hours <= 0 or beijing_hour not in DAYTIME:
        return 0
    rows = db.session.execute(
        select(Conversation.openid, Conversation.step, Conversation.data, Conversation.updated_at).where(
            Conversation.step != "idle",
            Conversation.updated_at <= now - dt.timedelta(hours=hours),
            Conversation.updated_at > now - (EXPIRES - SPARE))
        .order_by(Conversation.updated_at).limit(limit)).all()
    due = {reminder_key(openid, at): (openid, text) for openid, step, data, at in rows
           if (text := reminder_text({"step": step, "data": data}))}
    return enqueue_once(due, lambda key, item: enqueue_cs_text(item[0], item[1], dedupe_key=key), "resume reminders")
