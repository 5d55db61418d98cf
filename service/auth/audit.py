"""The audit trail for the county's auditor (等保: audit separate from administration): who did what, when,
from where, with what outcome. Read-only; rows are written by the use cases that audit themselves."""

from sqlalchemy import or_, select

from service.auth.actor import Actor
from service.auth.models import AuditRecord, StaffUser
from service.errors import Forbidden
from service.extensions import db

AUDITOR = "auditor"
EVENT_LABELS = {"login": "登录", "reveal_id_number": "查看完整身份信息", "create_token": "创建 API 令牌",
                "revoke_token": "吊销 API 令牌", "file_difference": "核对与档案不同", "remove_follower": "移除微信关注",
                "reveal_member_id_number": "查看家庭成员身份证号", "add_standards": "新增救助标准版本",
                "correct_standards": "更正救助标准版本", "change_password": "修改密码", "mark_material": "核对申请材料",
                # administration (service.county): rows carry detail {"before", "after"}
                "county_init": "设立县", "divisions_import": "导入乡镇和村", "place_add": "新增乡镇或村",
                "place_change": "修改乡镇或村", "staff_add": "新增账号", "staff_disable": "停用账号",
                "staff_enable": "启用账号", "staff_reset_password": "重置密码", "staff_township": "调整所属乡镇",
                "settings_change": "修改县设置", "menu_push": "推送微信菜单"}
OUTCOME_LABELS = {"granted": "成功", "refused": "被拒绝", "unknown_user": "用户名不存在", "bad_password": "密码错误",
                  "locked_now": "密码错误，此地址暂停登录该账号", "locked_account": "多个地址输错密码，账号被锁定",
                  "locked": "账号锁定中", "inactive": "账号已停用", "demo_password": "生产环境使用演示密码",
                  "confirmed": "确认更新档案", "rejected": "不采用，档案不变"}


def record(event: str, staff_id: int | None, target_type: str, target_id: str | None, outcome: str,
           remote_addr: str | None = None, details: dict | None = None) -> None:
    """Add one audit row to the current transaction (a refusal must commit it before raising).
    `details`: a change's {"before": …, "after": …}; never personal data such as ID numbers."""
    db.session.add(AuditRecord(staff_id=staff_id, event=event, target_type=target_type,
                               target_id=(target_id or "")[:40] or None, outcome=outcome, remote_addr=remote_addr,
                               details=details))


def list_audit(actor: Actor, *, event: str | None = None, username: str | None = None,
               before_id: int | None = None, limit: int = 100) -> dict:
    """Newest first. The county's staff, plus log-in attempts with an unknown user name (no county)."""
    if actor.role != AUDITOR:
        raise Forbidden("审计日志只有审计员可以查看")
    query = (select(AuditRecord, StaffUser.username, StaffUser.display_name)
             .outerjoin(StaffUser, StaffUser.id == AuditRecord.staff_id)
             .where(or_(StaffUser.county_id == actor.county_id, AuditRecord.staff_id.is_(None))))
    if event:
        query = query.where(AuditRecord.event == event)
    if username:
        query = query.where(or_(StaffUser.username == username.strip(),
                                (AuditRecord.event == "login") & (AuditRecord.target_id == username.strip())))
    if before_id:
        query = query.where(AuditRecord.id < before_id)
    rows = db.session.execute(query.order_by(AuditRecord.id.desc()).limit(limit)).all()
    items = [{
        "id": r.id, "at": r.created_at.isoformat(timespec="seconds") + "Z",
        "username": name or (r.target_id if r.event == "login" else None), "display_name": display,
        "event": r.event, "event_label": EVENT_LABELS.get(r.event, r.event), "target_type": r.target_type,
        "target_id": r.target_id, "outcome": r.outcome, "outcome_label": OUTCOME_LABELS.get(r.outcome, r.outcome),
        "remote_addr": r.remote_addr, "details": r.details,
    } for r, name, display in rows]
    return {"items": items, "next_before_id": items[-1]["id"] if len(items) == limit else None}
