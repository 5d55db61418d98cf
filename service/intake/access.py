"""Who may learn what about an application or an applicant's file.

- A case page: window clerks their township's applications, everyone else who works cases the county's.
- Another application (a duplicate refused, the applicant's other applications, a phone look-up): county
  staff see it whole; a window clerk only when it is in their township ("已有在办申请（其他乡镇）"
  otherwise); a hotline operator never (they talk to callers nobody has verified), only that one exists;
  a WeChat account only when it follows that application.
- The applicant's file (registered name, phone, village): county staff; a window clerk for residents of
  their township; nobody else. Differences between an application and the file are shown to everyone
  who sees the case, the file's values only to those who may see the file.
"""

from sqlalchemy import select

from service.auth.actor import Actor
from service.errors import Conflict, NotFound
from service.extensions import db
from service.intake import procedures
from service.intake.case_numbers import normalise
from service.intake.models import Applicant, Application, Follower, Village

COUNTY, WINDOW = "county", "window"


NOT_FOUND = "没有找到该案件号的申请"


def get_for(actor: Actor, case_no: str, *, lock: bool = False) -> Application:
    query = select(Application).where(Application.case_no == normalise(case_no))
    app = db.session.scalars(query.with_for_update() if lock else query).first()
    if app is None or not actor.sees_township(app.township_id, app.county_id):
        raise NotFound(NOT_FOUND)  # another township's case answers exactly like a missing one
    return app


def follows(openid: str | None, app: Application) -> bool:
    if not openid or app.id is None:
        return False
    return db.session.scalar(select(Follower.id).where(
        Follower.application_id == app.id, Follower.openid == openid, Follower.removed_at.is_(None))) is not None


def discloses(app: Application, actor: Actor | None, openid: str | None = None) -> bool:
    """Whether this caller may be told about `app`, an application other than the one in front of them."""
    if actor is None:
        return follows(openid, app)
    if actor.county_id != app.county_id:
        return False
    if actor.role == COUNTY:
        return True
    return actor.role == WINDOW and actor.township_id == app.township_id


def file_township_id(applicant: Applicant) -> int | None:
    if applicant.village_id is None:
        return None
    return db.session.scalar(select(Village.township_id).where(Village.id == applicant.village_id))


def sees_file(actor: Actor | None, applicant: Applicant, county_id: int) -> bool:
    if actor is None or actor.county_id != county_id:
        return False
    if actor.role == COUNTY:
        return True
    return actor.role == WINDOW and actor.township_id == file_township_id(applicant)


def reviews_file(actor: Actor, app: Application) -> bool:
    """Confirming or rejecting a difference needs the case (own township) and the file."""
    if actor.role == COUNTY:
        return actor.county_id == app.county_id
    return (actor.role == WINDOW and actor.township_id == app.township_id
            and sees_file(actor, app.applicant, app.county_id))


def duplicate_refusal(existing: Application, actor: Actor | None, openid: str | None,
                      hotline: str | None) -> Conflict:
    """The 409 for a second open application of one intake, worded for who is asking: the case number
    only for those `discloses` allows; a chat account learns how to bind it, a clerk of another township
    "已有在办申请（其他乡镇）", an operator that it exists — never its status, amounts or registered name."""
    intake = procedures.LABELS[existing.intake]
    if discloses(existing, actor, openid):
        message = (f"该申请人已有一件办理中的{intake}申请（案件号 {existing.case_no}），"
                   "请在原申请中补充情况，不要重复登记")
    elif actor is None:
        call = f"，或拨打 {hotline} 咨询" if hotline else "，或到户籍所在乡镇民政窗口咨询"
        message = (f"这个身份证号已有一件办理中的{procedures.RESIDENT_LABELS[existing.intake]}申请，不能重复申请。"
                   "如果是您或家人的申请，可以回复“绑定 案件号 身份证后四位”关注它（案件号在申请时收到的通知里）"
                   + call + "。")
    elif actor.role == WINDOW:
        message = (f"已有在办申请（其他乡镇）：该申请人已有一件办理中的{intake}申请，不要重复登记；"
                   "如需补充情况或转到本乡镇办理，请联系县民政局")
    else:
        message = (f"该申请人已有一件办理中的{intake}申请，不要重复登记。请告诉来电人：可在公众号用案件号和"
                   "身份证后四位查询进度，或到户籍所在乡镇民政窗口补充情况")
    return Conflict(message, code="duplicate_open_application")
