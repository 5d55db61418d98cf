"""Who may read and write an application's casework (household, investigation, means test), and the
history line each change leaves. A case outside the caller's township answers as a missing one."""

import datetime as dt

from sqlalchemy import select

from service.auth.actor import Actor
from service.clock import to_beijing
from service.errors import Conflict, Forbidden, NotFound
from service.extensions import db
from service.intake import workflow as wf
from service.intake.case_numbers import normalise
from service.intake.models import Application, ApplicationEvent

CASEWORKERS = wf.CASEWORKERS  # window clerks of the case's township and county staff
# history lines this module writes, as staff read them (the detail page's labels should carry them)
EVENT_LABELS = {"household_saved": "登记家庭成员", "investigation_recorded": "登记入户调查",
                "investigation_updated": "修改入户调查", "material_marked": "核对材料"}


def case_for(actor: Actor, case_no: str, *, lock: bool = False) -> Application:
    """The application, if the caller works on cases and sees its township; otherwise 404 or 403."""
    if actor.role not in CASEWORKERS:
        raise Forbidden("家庭成员、入户调查和核算只有乡镇窗口和县民政局人员可以查看")
    query = select(Application).where(Application.case_no == normalise(case_no or "")[:20])
    app = db.session.scalars(query.with_for_update() if lock else query).first()
    # another township's case is answered exactly like a missing one: its existence is not the caller's
    if app is None or not actor.sees_township(app.township_id, app.county_id):
        raise NotFound("没有找到该案件号的申请")
    return app


def require_open(app: Application, what: str) -> None:
    if app.status in wf.CLOSED_STATES:
        raise Conflict(f"该申请已办结（{wf.STATUS_LABELS[app.status]}），不能再修改{what}", code="case_closed")


def applied_on(app: Application) -> dt.date:
    """The day the application arrived, in Beijing."""
    return to_beijing(app.created_at).date()


def note(app: Application, actor: Actor, action: str, text: str) -> None:
    """A history line; the status does not move and no notice goes to the applicant."""
    db.session.add(ApplicationEvent(application_id=app.id, action=action, from_status=app.status,
                                    to_status=app.status, actor_id=actor.id, actor_label=actor.label, note=text))
