"""Use cases a resident takes through the chat: their applications, a note, a photo, binding by case number."""

from sqlalchemy import select

from service.errors import NotFound
from service.extensions import db
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.lookup import owns
from service.intake.models import Applicant, Application, ApplicationEvent
from service.intake.wording import status_message
from service.unit_of_work import use_case

RESIDENT = "申请人（微信）"


def _applications_of(openid: str, *, open_only: bool = False) -> list[Application]:
    query = (select(Application).join(Applicant, Application.applicant_id == Applicant.id)
             .where(Applicant.wechat_openid == openid).order_by(Application.id.desc()))
    if open_only:
        query = query.where(Application.status.in_(wf.OPEN_STATES))
    return list(db.session.scalars(query))


def my_applications(openid: str, hotline: str | None = None) -> list[dict]:
    return [{
        "case_no": a.case_no, "intake": wf.INTAKE_SHORT[a.intake], "status": wf.STATUS_LABELS[a.status],
        "status_label": wf.STATUS_LABELS[a.status], "message": status_message(a, hotline),
    } for a in _applications_of(openid)[:5]]


def open_application_of(openid: str, intake: str | None = None) -> dict | None:
    for app in _applications_of(openid, open_only=True):
        if intake is None or app.intake == intake:
            return {"case_no": app.case_no, "intake": app.intake, "status_label": wf.STATUS_LABELS[app.status]}
    return None


def _event(app: Application, action: str, note: str | None, data: dict | None = None) -> None:
    db.session.add(ApplicationEvent(application_id=app.id, action=action, from_status=app.status,
                                    to_status=app.status, actor_label=RESIDENT, note=note, data=data or {}))


def add_note(openid: str, case_no: str, text: str) -> None:
    with use_case() as uow:
        app = next((a for a in _applications_of(openid) if a.case_no == normalise(case_no)), None)
        if app is None:
            raise NotFound("没有找到您的这件申请")
        _event(app, "resident_note", text[:2000])
        uow.commit()


def attach(openid: str, kind: str, media_id: str | None, url: str | None, case_no: str | None = None) -> str | None:
    """Attach a photo to the resident's newest open application (or the one named); its case number."""
    from service.wechat.models import Attachment

    with use_case() as uow:
        candidates = _applications_of(openid, open_only=True)
        if case_no:
            candidates = [a for a in candidates if a.case_no == case_no]
        if not candidates:
            return None
        app = candidates[0]
        db.session.add(Attachment(application_id=app.id, kind=kind, media_id=media_id, url=url))
        _event(app, "resident_material", None, {"kind": kind})
        case = app.case_no
        uow.commit()
        return case


def bind(openid: str, case_no: str, last4: str) -> bool:
    """Link a phoned-in application's applicant to this WeChat user, proven by the ID's last four."""
    with use_case() as uow:
        app = db.session.scalars(select(Application).where(Application.case_no == normalise(case_no))).first()
        if app is None or not owns(app, last4):
            return False
        taken = db.session.scalars(select(Applicant).where(
            Applicant.wechat_openid == openid, Applicant.id != app.applicant_id)).all()
        for other in taken:  # one WeChat user follows one applicant: the latest proven one
            other.wechat_openid = None
        db.session.flush()
        app.applicant.wechat_openid = openid
        _event(app, "wechat_bound", None)
        uow.commit()
        return True


def bind_new_applicant(openid: str, case_no: str) -> None:
    """After a chat application: the applicant hears about it on this WeChat unless bound elsewhere."""
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    clash = db.session.scalars(select(Applicant.id).where(
        Applicant.wechat_openid == openid, Applicant.id != app.applicant_id)).first()
    if clash is None and app.applicant.wechat_openid in (None, openid):
        app.applicant.wechat_openid = openid



