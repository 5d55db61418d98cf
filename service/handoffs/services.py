"""Messages the chatbot hands to a person (转人工), and staff answering them through the outbox.

The chat tells a resident "已转给工作人员"; this module makes that true: the words are kept where
hotline operators and county staff see them, and their answer reaches the resident as a customer-service
message (or an SMS when the 48-hour window has closed and a phone is known).
"""

import datetime as dt

from flask import current_app
from sqlalchemy import case, func, select

from service.auth.actor import Actor
from service.clock import to_beijing, utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.handoffs.models import Handoff
from service.intake.identity import mask_openid, mask_phone
from service.intake.models import Application, Follower
from service.intake.workflow import STATUS_LABELS
from service.unit_of_work import use_case

ROLES = ("operator", "county", "admin")  # the account is county-wide: residents have not picked a township
STATUSES = ("open", "answered", "closed")
STATUS_LABELS_ZH = {"open": "待回复", "answered": "已回复", "closed": "已关闭"}
REASON_LABELS = {"urgent": "紧急情况，请尽快联系", "asked": "居民要求转人工", "unanswered": "机器人答不了",
                 "no_intake": "不属于三类救助"}
MAX_TEXT = 4000  # a thread longer than this keeps its beginning and the newest message
MAX_ANSWER = 600  # WeChat customer-service texts are capped at 2,048 bytes
CS_WINDOW = dt.timedelta(hours=48)


def record(openid: str, county_id: int, text: str, reason: str) -> None:
    """Inside a chat turn: open a handoff for this resident, or add the message to the open one."""
    text = (text or "").strip()[:1000]
    now = utcnow()
    open_one = db.session.scalars(select(Handoff).where(
        Handoff.openid == openid, Handoff.status == "open").with_for_update()).first()
    if open_one is None:
        db.session.add(Handoff(county_id=county_id, openid=openid, reason=reason, text=text or "（未留言）",
                               created_at=now, updated_at=now))
        return
    if reason == "urgent":
        open_one.reason = reason  # an emergency told later makes the whole thread urgent
    if text and not open_one.text.endswith(text):
        open_one.text = _append(open_one.text, f"{_beijing(now)} {text}")
    open_one.updated_at = now


def _append(thread: str, line: str) -> str:
    joined = thread + "\n" + line
    return joined if len(joined) <= MAX_TEXT else thread[: MAX_TEXT - len(line) - 5] + "\n……\n" + line


def _beijing(moment: dt.datetime) -> str:
    return to_beijing(moment).strftime("%m-%d %H:%M")


def _check_role(actor: Actor) -> None:
    if actor.role not in ROLES:
        raise Forbidden("微信留言由热线话务员和县民政局人员回复")


def list_handoffs(actor: Actor, *, status: str = "open", limit: int = 50, before_id: int | None = None) -> dict:
    _check_role(actor)
    if status not in STATUSES:
        raise InvalidInput(fields={"status": ["只能是 " + "、".join(STATUSES)]})
    query = select(Handoff).where(Handoff.county_id == actor.county_id, Handoff.status == status)
    if before_id:
        query = query.where(Handoff.id < before_id)
    # open ones urgent first, then oldest first (who has waited longest); handled ones newest first
    order = (case((Handoff.reason == "urgent", 0), else_=1), Handoff.id.asc()) if status == "open" \
        else (Handoff.id.desc(),)
    rows = db.session.scalars(query.order_by(*order).limit(limit)).all()
    counts = dict(db.session.execute(select(Handoff.status, func.count()).where(
        Handoff.county_id == actor.county_id).group_by(Handoff.status)).all())
    items = _rows(rows)
    return {"items": items, "counts": {s: counts.get(s, 0) for s in STATUSES},
            "next_before_id": items[-1]["id"] if len(items) == limit and status != "open" else None}


def open_count(actor: Actor) -> int:
    return db.session.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.county_id == actor.county_id, Handoff.status == "open")) or 0


def _rows(handoffs: list[Handoff], residents: dict | None = None) -> list[dict]:
    """Rows for a page of handoffs, with each resident's phone, cases and WeChat window."""
    phones, cases, windows = residents or _residents({h.openid for h in handoffs})
    return [_row(h, phones.get(h.openid), cases.get(h.openid, []), h.openid in windows) for h in handoffs]


def _residents(openids: set[str]) -> tuple[dict, dict, set]:
    """For these residents, in two queries: the phone given with the newest application they follow, up to
    five of those applications, and who is still inside WeChat's 48-hour customer-service window."""
    phones, cases = {}, {}
    if not openids:
        return phones, cases, set()
    for openid, phone, case_no, status in db.session.execute(
            select(Follower.openid, Application.contact_phone, Application.case_no, Application.status)
            .join(Application, Application.id == Follower.application_id)
            .where(Follower.openid.in_(openids), Follower.removed_at.is_(None)).order_by(Application.id.desc())):
        if phone:
            phones.setdefault(openid, phone)
        if case_no and len(cases.setdefault(openid, [])) < 5:
            cases[openid].append({"case_no": case_no, "status_label": STATUS_LABELS.get(status, status)})
    return phones, cases, _open_windows(openids)


def _open_windows(openids: set[str]) -> set[str]:
    """Who may still get a customer-service reply: the chat knows when each resident last wrote, and the
    root hands its look-up in (app.extensions["chat_open_windows"]); without a chat, nobody."""
    look_up = current_app.extensions.get("chat_open_windows")
    return look_up(openids, utcnow() - CS_WINDOW) if look_up else set()


def _row(handoff: Handoff, phone: str | None, cases: list[dict], window_open: bool) -> dict:
    return {
        "id": handoff.id, "resident": mask_openid(handoff.openid), "phone": mask_phone(phone) if phone else None,
        "reason": handoff.reason, "reason_label": REASON_LABELS.get(handoff.reason, handoff.reason),
        "text": handoff.text, "status": handoff.status, "status_label": STATUS_LABELS_ZH[handoff.status],
        "answer": handoff.answer, "cases": cases, "window_open": window_open,
        "created_at": _iso(handoff.created_at), "updated_at": _iso(handoff.updated_at),
        "handled_at": _iso(handoff.handled_at) if handoff.handled_at else None,
    }


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"



def _locked_open(actor: Actor, handoff_id: int) -> Handoff:
    handoff = db.session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None or handoff.county_id != actor.county_id:
        raise NotFound("没有找到这条留言")
    if handoff.status != "open":
        raise Conflict(f"这条留言{STATUS_LABELS_ZH[handoff.status]}，请刷新")
    return handoff


def answer(actor: Actor, handoff_id: int, text: str) -> dict:
    """Send the answer to the resident through the outbox and mark the handoff answered, in one transaction."""
    from service.notify.services import enqueue_cs_text

    _check_role(actor)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(fields={"answer": ["请填写回复内容"]})
    if len(text) > MAX_ANSWER:
        raise InvalidInput(fields={"answer": [f"回复不能超过 {MAX_ANSWER} 个字，请分两次发送"]})
    with use_case() as uow:
        handoff = _locked_open(actor, handoff_id)
        residents = phones, _cases, windows = _residents({handoff.openid})
        phone = phones.get(handoff.openid)
        if handoff.openid not in windows and not phone:
            raise Conflict("居民超过 48 小时没有发消息，微信已不允许回复，且没有登记手机号；请等居民再次留言后回复")
        handoff.notification_id = enqueue_cs_text(handoff.openid, text, phone=phone,
                                                  dedupe_key=f"handoff-{handoff.id}")
        _close(handoff, actor, "answered", text)
        row = _rows([handoff], residents)[0]
        uow.commit()
        return row


def close(actor: Actor, handoff_id: int) -> dict:
    """Nothing to answer (a greeting, a test, a duplicate): out of the open list, no message sent."""
    _check_role(actor)
    with use_case() as uow:
        handoff = _locked_open(actor, handoff_id)
        _close(handoff, actor, "closed", None)
        row = _rows([handoff])[0]
        uow.commit()
        return row


def _close(handoff: Handoff, actor: Actor, status: str, text: str | None) -> None:
    now = utcnow()
    handoff.status, handoff.answer, handoff.handled_by, handoff.handled_at, handoff.updated_at = \
        status, text, actor.id, now, now
