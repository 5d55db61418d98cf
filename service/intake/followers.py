"""Who hears about an application: the WeChat accounts that follow it.

The account that submitted an application follows it; `绑定 案件号 后四位` adds one; staff remove one
(audited). One account may follow many applications (a grown child applying for both parents), and an
application may have many followers. Notices go to the active followers, by SMS to the application's
phone when it has none; a removal is published (events.FollowerRemoved) for the notices to redirect
what was still unsent.
"""

import datetime as dt

from sqlalchemy import bindparam, select

from service import events
from service.auth import audit
from service.auth.actor import Actor
from service.clock import utcnow
from service.errors import Conflict, Forbidden, NotFound
from service.extensions import db
from service.intake import workflow as wf
from service.intake.identity import mask_openid
from service.intake.models import Application, ApplicationEvent, Follower

SOURCE_LABELS = {"submitted": "微信提交", "bound": "凭案件号绑定", "migrated": "原有绑定"}


def follow(app: Application, openid: str, source: str) -> Follower:
    """Inside the caller's unit of work: this account now follows `app` (once, however often it asks)."""
    if app.id is None:  # a new application has no follower yet: no look-up, saved with it at the flush
        follower = Follower(openid=openid, source=source)
        app.followers.append(follower)
        return follower
    active = db.session.scalars(select(Follower).where(
        Follower.application_id == app.id, Follower.openid == openid, Follower.removed_at.is_(None))).first()
    if active is not None:
        return active
    follower = Follower(application_id=app.id, openid=openid, source=source)
    db.session.add(follower)
    return follower


def was_removed_by_staff(app: Application, openid: str) -> bool:
    return db.session.scalar(select(Follower.id).where(
        Follower.application_id == app.id, Follower.openid == openid, Follower.removed_by_id.is_not(None))) is not None


def _followed_statement(open_only: bool):
    query = (select(Application).join(Follower, Follower.application_id == Application.id)
             .where(Follower.openid == bindparam("openid"), Follower.removed_at.is_(None))
             .order_by(Application.id.desc()))
    return query.where(Application.status.in_(wf.OPEN_STATES)) if open_only else query


# built once: the chat asks on many messages (progress, a photo after submitting, first words)
FOLLOWED = {open_only: _followed_statement(open_only) for open_only in (False, True)}


def followed(openid: str, *, open_only: bool = False) -> list[Application]:
    """The applications this account follows, newest first."""
    return list(db.session.scalars(FOLLOWED[open_only], {"openid": openid}))


def active_openids(application_id: int) -> list[str]:
    return list(db.session.scalars(select(Follower.openid).where(
        Follower.application_id == application_id, Follower.removed_at.is_(None)).order_by(Follower.id)))


def listing(app: Application) -> list[dict]:
    """For staff: every account that follows or followed this application, masked."""
    return [{
        "id": f.id, "account": mask_openid(f.openid), "source": f.source,
        "source_label": SOURCE_LABELS.get(f.source, f.source), "since": _iso(f.created_at),
        "removed_at": _iso(f.removed_at) if f.removed_at else None,
    } for f in app.followers]


def remove(actor: Actor, app: Application, follower_id: int, remote_addr: str | None) -> None:
    """Staff stop an account hearing about this application; inside the caller's unit of work, audited."""
    if actor.role not in wf.CASEWORKERS or not actor.sees_township(app.township_id, app.county_id):
        raise Forbidden("只有本乡镇窗口或县民政局可以移除关注")
    follower = db.session.get(Follower, follower_id, with_for_update=True)
    if follower is None or follower.application_id != app.id:
        raise NotFound("没有找到这个关注")
    if follower.removed_at is not None:
        raise Conflict("该微信已不再关注此申请，请刷新", code="already_removed")
    follower.removed_at, follower.removed_by_id = utcnow(), actor.id
    events.publish(events.FollowerRemoved(app, follower.openid))  # its unsent notices go elsewhere
    db.session.add(ApplicationEvent(
        application_id=app.id, action="follower_removed", from_status=app.status, to_status=app.status,
        actor_id=actor.id, actor_label=actor.label, note=f"移除微信关注 {mask_openid(follower.openid)}",
        data={"follower_id": follower.id}))
    audit.record("remove_follower", actor.id, "application", f"{app.case_no}:{follower.id}", "granted",
                 remote_addr)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"

