"""Staff accounts, revocable API tokens and the audit log of sensitive reads."""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.clock import utcnow
from service.extensions import db

ROLES = ("operator", "window", "county", "admin", "auditor")
CASE_ROLES = tuple(r for r in ROLES if r != "auditor")  # 等保: the auditor reads the audit trail, no cases
ROLE_LABELS = {"operator": "热线话务员", "window": "乡镇窗口", "county": "县民政局审核", "admin": "系统管理员",
               "auditor": "审计员"}


class StaffUser(db.Model):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout / password change so every older session cookie stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # a one-time password (new account, reset) works only to set the account's own (service.auth.passwords)
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    township = relationship("Township")  # by name: auth never imports intake (the model is Township or None)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    staff: Mapped[StaffUser] = relationship()


class AuditRecord(db.Model):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    details: Mapped[dict | None] = mapped_column(JSON)  # a change's {"before": …, "after": …}, where it has them
