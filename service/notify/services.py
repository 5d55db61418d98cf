"""Use cases of the outbox: write notices in the caller's transaction, hear back from WeChat, and let
staff see and retry what could not be delivered."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app
from sqlalchemy import func, select, update

from service.auth.actor import Actor
from service.clock import utcnow
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake.followers import active_openids
from service.intake.identity import mask_openid, mask_phone
from service.intake.models import FETCH_PENDING, Application, Attachment, County
from service.notify import wording
from service.notify.context import ACTION_KINDS, KIND_LABELS, application_context, base_context
from service.notify.models import (
    APPLICANT,
    DEAD,
    DELIVERED,
    MEDIA_FETCH,
    PENDING,
    SENT,
    SMS,
    STATUSES,
    WECHAT_CS,
    Notification,
    new_key,
)
from service.notify.queue import SMS_MERGED, sms_already_covers
from service.unit_of_work import use_case

log = logging.getLogger(__name__)
ROW_LABELS = {**KIND_LABELS, MEDIA_FETCH: "取回居民发来的图片"}  # outbox rows: the notices and the photo fetches
FOLLOWER_REMOVED = "该微信的关注已被工作人员移除，未发送（同一通知已发给其他收件人）"


def _settings(county: County) -> dict:
    overrides = (county.settings or {}).get("notify")
    if overrides and wording.problems(overrides):
        log.warning("county %s notify settings unusable; using the packaged wording", county.code)
        return wording.merged(None)
    return wording.merged(overrides)


def _compose(kind: str, context: dict, settings: dict) -> wording.Message:
    default_template = current_app.config.get("NOTIFY_TEMPLATE_ID", "")
    return wording.compose(kind, context, settings, default_template_id=default_template)


def _enabled(settings: dict, kind: str) -> bool:
    spec = settings["kinds"].get(kind)
    return isinstance(spec, dict) and spec.get("enabled", True) is not False


def enqueue_for_event(app: Application, action: str) -> list[Notification] | None:
    """For every recorded action (events.ActionRecorded, subscribed at the root), inside its transaction:
    the applicant's notice, if any."""
    kind = ACTION_KINDS.get(action)
    if kind is None:
        return None
    return enqueue_application_notice(app, kind)


def enqueue_application_notice(app: Application, kind: str, *, dedupe_key: str | None = None,
                               context_extra: dict | None = None) -> list[Notification] | None:
    """One row per active follower (a WeChat template each, SMS to the application's phone when WeChat
    refuses), or one SMS row when nobody follows or there is no template. The rows share the application's
    ordering key, so every recipient hears of the changes in order, and a notice key, so their fallbacks
    send the application's phone one SMS, not one per follower. `dedupe_key` goes on the first row."""
    county = db.session.get(County, app.county_id)
    settings = _settings(county)
    if not _enabled(settings, kind):
        return None
    if app.id is None:  # a new application: its id orders its notices
        db.session.flush()
    context = {**application_context(app, county), **(context_extra or {})}
    message = _compose(kind, context, settings)
    recipients = (active_openids(app.id) if message.template_id else []) or [None]
    notice = new_key()
    rows = [Notification(
        kind=kind, ordering_key=f"a{app.id}", county_id=app.county_id, township_id=app.township_id,
        application_id=app.id, channel=APPLICANT, to_openid=openid, text=message.text,
        template_id=message.template_id, fields=message.fields, url=message.url, notice_key=notice,
        dedupe_key=dedupe_key if i == 0 else None, sms_sign=wording.sms_sign(settings, context),
    ) for i, openid in enumerate(recipients)]
    db.session.add_all(rows)
    return rows


def enqueue_cs_text(openid: str, text: str, *, application_id: int | None = None, phone: str | None = None,
                    dedupe_key: str | None = None) -> int:
    """A customer-service (客服) text to a WeChat user, sent by the worker in order with the user's
    other customer-service messages. Call it inside the chat turn's use case; only useful within 48 h
    of the user's last message (WeChat answers 45015 after that: the text then goes by SMS to `phone`,
    or to the phone given with the application, when there is one). Returns the outbox row id."""
    text = wording.plain(text)
    if not openid or not text:
        raise InvalidInput("客服消息需要收件人和内容")
    county, township_id = None, None
    if application_id is not None:
        app = db.session.get(Application, application_id)
        if app is None:
            raise NotFound("没有找到该申请")
        county, township_id = db.session.get(County, app.county_id), app.township_id
    else:
        code = current_app.config.get("COUNTY_CODE")
        county = db.session.scalars(select(County).where(County.code == code)).first() if code else None
    sign = wording.sms_sign(_settings(county), base_context(county)) if county else ""
    with use_case() as uow:
        row = Notification(
            kind="cs_text", ordering_key="u" + hashlib.sha256(openid.encode()).hexdigest()[:32],
            county_id=county.id if county else None, township_id=township_id, application_id=application_id,
            channel=WECHAT_CS, to_openid=openid, to_phone=phone, text=text, sms_sign=sign,
            dedupe_key=dedupe_key,
        )
        db.session.add(row)
        db.session.flush()
        row_id = row.id
        uow.commit()
        return row_id


def record_template_result(openid: str, msgid: int, status: str) -> bool:
    """TEMPLATESENDJOBFINISH from the WeChat callback: `status` is "success", "failed:user block" or
    "failed: system failed". A failed delivery goes by SMS when the application has a phone, else it is
    dead-lettered for staff. Returns False when no sent notice has that msgid (a stray event)."""
    with use_case() as uow:
        row = db.session.scalars(select(Notification).where(
            Notification.wechat_msgid == int(msgid), Notification.to_openid == openid)).first()
        if row is None:
            return False
        row.delivery_status = (status or "")[:60]
        if status == "success":
            if row.status == SENT:
                row.status, row.delivered_at = DELIVERED, utcnow()
            uow.commit()
            return True
        if row.status not in (SENT, DELIVERED):
            uow.commit()
            return True
        reason = "用户拒收（微信送达回执）" if "block" in (status or "") else "微信送达失败（送达回执）"
        phone = _contact_phone(row)
        if phone and sms_already_covers(row.notice_key, phone, row.id):
            row.fallback_reason, row.last_error = reason, SMS_MERGED
        elif phone:
            row.status, row.channel, row.to_phone = PENDING, SMS, phone
            row.attempts, row.next_attempt_at = 0, utcnow()
            row.fallback_reason = row.last_error = reason
        else:
            row.status, row.last_error = DEAD, reason + "，且没有登记手机号"
        log.info("notification %s delivery %s", row.id, "failed" if status != "success" else "ok")
        uow.commit()
        return True


def _contact_phone(row: Notification) -> str | None:
    if row.application_id is None:
        return row.to_phone
    app = db.session.get(Application, row.application_id)
    return app.contact_phone if app else None


def retarget_unsent(app: Application, openid: str) -> None:
    """A follower was removed (events.FollowerRemoved): its unsent notices of `app` go to nobody when another
    recipient of the same notice remains, else by SMS to the application's phone. Inside the removal's
    unit of work."""
    n = Notification
    for row in db.session.scalars(select(n).where(
            n.application_id == app.id, n.to_openid == openid, n.channel == APPLICANT,
            n.status.in_((PENDING, DEAD))).with_for_update()):
        others = active_openids(app.id)
        covered = row.notice_key and db.session.scalar(select(func.count()).select_from(n).where(
            n.notice_key == row.notice_key, n.id != row.id,
            (n.channel == SMS) | n.to_openid.in_(others)))
        if covered:
            row.status, row.last_error = DEAD, FOLLOWER_REMOVED
        else:
            row.to_openid, row.status, row.attempts, row.next_attempt_at = None, PENDING, 0, utcnow()


# ---- staff: what did not arrive, and trying again ---------------------------------------------------


def _visible(actor: Actor, row: Notification) -> bool:
    if row.county_id != actor.county_id:
        return False
    if actor.role == "window":
        return row.township_id is not None and row.township_id == actor.township_id
    return True


def list_notifications(actor: Actor, *, status: str = DEAD, case_no: str | None = None,
                       limit: int = 50, before_id: int | None = None) -> dict:
    if status not in STATUSES:
        raise InvalidInput(fields={"status": ["只能是 " + "、".join(STATUSES)]})
    n = Notification
    query = select(n, Application.case_no).outerjoin(Application, Application.id == n.application_id).where(
        n.county_id == actor.county_id, n.status == status)
    if actor.role == "window":
        query = query.where(n.township_id == actor.township_id)
    if case_no:
        query = query.where(Application.case_no == case_no.strip().upper())
    if before_id:
        query = query.where(n.id < before_id)
    rows = db.session.execute(query.order_by(n.id.desc()).limit(limit)).all()
    counts = dict(db.session.execute(
        select(n.status, func.count()).where(n.county_id == actor.county_id, *(
            [n.township_id == actor.township_id] if actor.role == "window" else []))
        .group_by(n.status)).all())
    items = [notification_row(row, case) for row, case in rows]
    return {"items": items, "counts": {s: counts.get(s, 0) for s in STATUSES},
            "next_before_id": items[-1]["id"] if len(items) == limit else None}


def notification_row(row: Notification, case_no: str | None) -> dict:
    recipient = mask_phone(row.to_phone) if row.to_phone else mask_openid(row.to_openid) if row.to_openid else None
    return {
        "id": row.id, "kind": row.kind, "kind_label": ROW_LABELS.get(row.kind, row.kind), "case_no": case_no,
        "channel": row.channel, "sent_via": row.sent_via, "status": row.status, "attempts": row.attempts,
        "recipient": recipient, "last_error": row.last_error, "fallback_reason": row.fallback_reason,
        "delivery_status": row.delivery_status, "text": row.text,
        "created_at": row.created_at.isoformat(timespec="seconds") + "Z",
        "updated_at": row.updated_at.isoformat(timespec="seconds") + "Z",
    }


def retry(actor: Actor, notification_id: int) -> dict:
    """A dead-lettered notice goes back to the queue, due now, with a fresh retry budget."""
    with use_case() as uow:
        row = db.session.get(Notification, notification_id, with_for_update=True)
        if row is None or row.county_id != actor.county_id:
            raise NotFound("没有找到这条通知")
        if not _visible(actor, row):
            raise Forbidden()
        if row.status != DEAD:
            raise Conflict("只有发送失败（已停止重试）的通知可以重新发送", code="not_dead")
        if row.application_id is not None and row.kind not in ("cs_text", MEDIA_FETCH):
            if row.to_openid and row.to_openid not in active_openids(row.application_id):
                raise Conflict("该微信已不再关注此申请，这条通知不再发送", code="not_following")
            # WeChat may take the follower again, or the application have a phone now: decide afresh
            row.channel, row.to_phone, row.fallback_reason = APPLICANT, None, None
        if row.kind == MEDIA_FETCH:  # the case page shows the photo as coming again
            db.session.execute(update(Attachment).where(Attachment.id == int(row.fields["attachment_id"]))
                               .values(fetch_status=FETCH_PENDING, fetch_error=None))
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
        row.claim_token = row.lease_until = None
        log.info("notification %s requeued by staff %s", row.id, actor.id)
        db.session.flush()
        case_no = db.session.get(Application, row.application_id).case_no if row.application_id else None
        result = notification_row(row, case_no)
        uow.commit()
        return result
