"""Staff log-in with lock-out, sessions that can be ended, and revocable API tokens for integrations."""

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from service.auth import audit
from service.auth.actor import Actor
from service.auth.models import ROLES, ApiToken, StaffUser
from service.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from service.extensions import db
from service.intake.models import utcnow
from service.unit_of_work import use_case

DEMO_PASSWORDS = frozenset({"demo2026"})
_BAD_LOGIN = "用户名或密码不正确"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def actor_of(user: StaffUser) -> Actor:
    return Actor(user.id, user.role, user.county_id, user.township_id, user.display_name)


def profile(user: StaffUser) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
        "township_id": user.township_id, "township": user.township.name if user.township else None,
        "must_change_password": user.must_change_password,
    }


def login(username: str, password: str, remote_addr: str | None = None) -> StaffUser:
    """Every attempt, granted or refused, is written to audit_log (who, from where, what happened)."""
    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    lock_minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    username = username.strip()

    def refuse(user: StaffUser | None, outcome: str, error: Exception):
        audit.record("login", user.id if user else None, "staff_user", username, outcome, remote_addr)
        db.session.commit()  # the refusal (and a failure count) must survive the error
        raise error

    with use_case():
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
        now = utcnow()
        if user is None:
            check_password_hash(hash_password("timing-equaliser"), password)  # same work: no timing hint
            refuse(None, "unknown_user", NotAuthenticated(_BAD_LOGIN, code="bad_credentials"))
        if user.locked_until and user.locked_until > now:
            refuse(user, "locked", NotAuthenticated(
                f"连续输错密码次数过多，账号已锁定，请 {lock_minutes} 分钟后再试", code="locked"))
        if not user.active or not check_password_hash(user.password_hash, password):
            user.failed_logins += 1
            outcome = "inactive" if user.active is False else "bad_password"
            if user.failed_logins >= max_failures:
                user.locked_until = now + dt.timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                outcome = "locked_now"  # this failure locked the account (outcome column: 20 chars)
            refuse(user, outcome, NotAuthenticated(_BAD_LOGIN, code="bad_credentials"))
        if current_app.config["SERVICE_ENV"] == "production" and password in DEMO_PASSWORDS:
            refuse(user, "demo_password", Forbidden("生产环境不允许使用演示密码登录，请管理员重设密码",
                                                    code="demo_password"))
        user.failed_logins, user.locked_until = 0, None
        audit.record("login", user.id, "staff_user", username, "granted", remote_addr)
    return user


def end_sessions(user_id: int) -> None:
    with use_case():
        user = db.session.get(StaffUser, user_id)
        user.session_epoch += 1


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: Actor, name: str) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(fields={"name": ["请给令牌起个名字，如“呼叫中心系统”"]})
    token = "rit_" + secrets.token_urlsafe(32)
    with use_case():
        row = ApiToken(staff_id=actor.id, name=name, token_hash=token_hash(token))
        db.session.add(row)
        db.session.flush()
        audit.record("create_token", actor.id, "api_token", str(row.id), "granted", None)
        return {**_token_dict(row), "token": token}


def _token_dict(row: ApiToken) -> dict:
    stamp = lambda v: v.isoformat(timespec="seconds") + "Z" if v else None  # noqa: E731
    return {"id": row.id, "name": row.name, "created_at": stamp(row.created_at),
            "last_used_at": stamp(row.last_used_at), "revoked": row.revoked_at is not None}


def list_tokens(actor: Actor) -> list[dict]:
    rows = db.session.scalars(select(ApiToken).where(ApiToken.staff_id == actor.id).order_by(ApiToken.id))
    return [_token_dict(r) for r in rows]


def revoke_token(actor: Actor, token_id: int) -> None:
    with use_case():
        row = db.session.get(ApiToken, token_id)
        if row is None or (row.staff_id != actor.id and actor.role != "admin"):
            raise NotFound("没有这个令牌")
        row.revoked_at = row.revoked_at or utcnow()
        audit.record("revoke_token", actor.id, "api_token", str(row.id), "granted", None)


def user_for_token(token: str) -> StaffUser | None:
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None or not row.staff.active:
        return None
    now = utcnow()
    # Touch at most every few minutes: a write on every API call would cost more than it tells.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        with use_case():
            row.last_used_at = now
    return row.staff


def create_staff(username: str, password: str, role: str, display_name: str, county_id: int,
                 township_id: int | None) -> StaffUser:
    if role not in ROLES:
        raise InvalidInput(fields={"role": ["角色只能是 operator、window、county、admin、auditor"]})
    if role == "window" and township_id is None:
        raise InvalidInput(fields={"township_id": ["乡镇窗口人员必须指定所属乡镇"]})
    with use_case():
        user = StaffUser(username=username, display_name=display_name, role=role, county_id=county_id,
                         township_id=township_id, password_hash=hash_password(password))
        db.session.add(user)
    return user
