"""Use cases a resident takes through the chat, always through the applications their account follows:
submit (and follow what they submitted), their applications, a note, a photo, binding by case number."""

from sqlalchemy import select

from service import events
from service.errors import NotFound
from service.extensions import db
from service.intake import followers, opening, procedures
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.identity import mask_name
from service.intake.lookup import owns
from service.intake.models import FETCH_PENDING, Application, ApplicationEvent, Attachment
from service.intake.wording import status_message
from service.unit_of_work import use_case

RESIDENT = "申请人（微信）"


def submit(openid: str, payload: dict, route: dict, media: list[dict]) -> dict:
    """A chat application and the photos sent while filling it in, all or nothing; this account follows it."""
    def attach_media(app: Application) -> None:
        for item in media:
            _attach_to(app, "image", item.get("media_id"), item.get("url"))

    # open_application's own unit of work holds the photos too: one SAVEPOINT inside the chat turn, not two
    return opening.open_application(None, payload, channel="wechat", route=route, follower=openid,
                                     also=attach_media, receipt=True)


def my_applications(openid: str, hotline: str | None = None) -> list[dict]:
    return [{
        "case_no": a.case_no, "intake": procedures.RESIDENT_LABELS[a.intake], "status": wf.STATUS_LABELS[a.status],
        "status_label": wf.STATUS_LABELS[a.status], "message": status_message(a, hotline),
        "name": mask_name(a.contact_name or ""),
    } for a in followers.followed(openid)[:5]]


def open_application_of(openid: str, intake: str | None = None) -> dict | None:
    for app in followers.followed(openid, open_only=True):
        if intake is None or app.intake == intake:
            return {"case_no": app.case_no, "intake": app.intake, "status_label": wf.STATUS_LABELS[app.status],
                    "name": mask_name(app.contact_name or "")}
    return None


def _event(app: Application, action: str, note: str | None, data: dict | None = None) -> None:
    db.session.add(ApplicationEvent(application_id=app.id, action=action, from_status=app.status,
                                    to_status=app.status, actor_label=RESIDENT, note=note, data=data or {}))


def add_note(openid: str, case_no: str, text: str) -> None:
    with use_case() as uow:
        app = next((a for a in followers.followed(openid) if a.case_no == normalise(case_no)), None)
        if app is None:
            raise NotFound("没有找到您的这件申请")
        _event(app, "resident_note", text[:2000])
        uow.commit()


def attach(openid: str, kind: str, media_id: str | None, url: str | None, case_no: str | None = None) -> str | None:
    """Attach a photo to the resident's newest open application (or the one named); its case number."""
    with use_case() as uow:
        candidates = followers.followed(openid, open_only=True)
        if case_no:
            candidates = [a for a in candidates if a.case_no == case_no]
        if not candidates:
            return None
        app = candidates[0]
        _attach_to(app, kind, media_id, url)
        case = app.case_no
        uow.commit()
        return case


def _attach_to(app: Application, kind: str, media_id: str | None, url: str | None) -> None:
    attachment = Attachment(application_id=app.id, kind=kind, media_id=media_id, url=url,
                            fetch_status=FETCH_PENDING if kind == "image" and media_id else None)
    db.session.add(attachment)
    db.session.flush()  # its id names the fetch the subscribers write
    _event(app, "resident_material", None, {"kind": kind})
    events.publish(events.AttachmentRecorded(attachment))  # the photo is fetched by the worker, never here


def bind(openid: str, case_no: str, last4: str) -> bool:
    """This account follows a phoned-in application, proven by the ID's last four; nothing else changes
    (other followers stay, other applications this account follows stay). An account staff removed from
    the application cannot bind it again."""
    with use_case() as uow:
        app = db.session.scalars(select(Application).where(Application.case_no == normalise(case_no))).first()
        if app is None or not owns(app, last4) or followers.was_removed_by_staff(app, openid):
            return False
        already = openid in followers.active_openids(app.id)
        followers.follow(app, openid, "bound")
        if not already:
            _event(app, "wechat_bound", None)
        uow.commit()
        return True
