"""Staff log-in with lock-out, sessions that can be ended, and revocable API tokens for integrations."""

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from service.auth import audit, lockout
from service.auth.actor import Actor
from service.auth.models import ROLES, ApiToken, StaffUser
from service.clock import utcnow
from service.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from service.extensions import db
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


def dummy_hash() -> str:
    """A hash nobody's password matches, made once per process with the configured KDF: refused log-ins
    (unknown user, locked) check against it, so every log-in costs exactly one KDF run."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    cached = current_app.extensions.get("login_dummy_hash")
    if cached is None or cached[0] != method:
        cached = current_app.extensions["login_dummy_hash"] = (method, hash_password(secrets.token_hex(16)))
    return cached[1]


def login(username: str, password: str, remote_addr: str | None = None) -> StaffUser:
    """Every attempt, granted or refused, is written to audit_log (who, from where, what happened).

    One budget per account and address for every log-in door (LOGIN_MAX_FAILURES per LOGIN_LOCK_MINUTES),
    counted before the password is checked; the whole account locks only once wrong passwords come from
    LOGIN_LOCK_ADDRESSES addresses, so one guesser cannot lock a clerk out from her own desk."""
    username = username.strip()
    budget = lockout.Budget(username, remote_addr)
    with use_case() as uow:
        refused_early = budget.reserve()  # committed before the KDF: parallel guesses each see their own count
        uow.commit()

    with use_case() as uow:
        def refuse(user: StaffUser | None, outcome: str, error: Exception):
            audit.record("login", user.id if user else None, "staff_user", username, outcome, remote_addr)
            uow.commit()  # the refusal (and a failure count) must survive the error
            raise error

        user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
        checked = user.password_hash if user is not None and not refused_early else dummy_hash()
        matches = check_password_hash(checked, password)  # the one KDF run, whoever is asking
        if refused_early:
            refuse(user, "locked", NotAuthenticated(budget.locked_message(), code="locked"))
        if user is None or not user.active or not matches:
            outcome = budget.failed() or ("unknown_user" if user is None else "inactive" if not user.active
                                          else "bad_password")
            refuse(user, outcome, NotAuthenticated(_BAD_LOGIN, code="bad_credentials"))
        if current_app.config["SERVICE_ENV"] == "production" and password in DEMO_PASSWORDS:
            refuse(user, "demo_password", Forbidden("生产环境不允许使用演示密码登录，请管理员重设密码",
                                                    code="demo_password"))
        budget.succeeded()
        audit.record("login", user.id, "staff_user", username, "granted", remote_addr)
        uow.commit()
    return user


def end_sessions(user_id: int) -> None:
    with use_case() as uow:
        user = db.session.get(StaffUser, user_id)
        user.session_epoch += 1
        uow.commit()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: Actor, name: str) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(fields={"name": ["请给令牌起个名字，如“呼叫中心系统”"]})
    token = "rit_" + secrets.token_urlsafe(32)
    with use_case() as uow:
        row = ApiToken(staff_id=actor.id, name=name, token_hash=token_hash(token))
        db.session.add(row)
        db.session.flush()
        audit.record("create_token", actor.id, "api_token", str(row.id), "granted", None)
        created = {**_token_dict(row), "token": token}
        uow.commit()
        return created


def _token_dict(row: ApiToken) -> dict:
    stamp = lambda v: v.isoformat(timespec="seconds") + "Z" if v else None  # noqa: E731
    return {"id": row.id, "name": row.name, "created_at": stamp(row.created_at),
            "last_used_at": stamp(row.last_used_at), "revoked": row.revoked_at is not None}


def list_tokens(actor: Actor) -> list[dict]:
    rows = db.session.scalars(select(ApiToken).where(ApiToken.staff_id == actor.id).order_by(ApiToken.id))
    return [_token_dict(r) for r in rows]


def revoke_token(actor: Actor, token_id: int) -> None:
    with use_case() as uow:
        row = db.session.get(ApiToken, token_id)
        if row is None or (row.staff_id != actor.id and actor.role != "admin"):
            raise NotFound("没有这个令牌")
        row.revoked_at = row.revoked_at or utcnow()
        audit.record("revoke_token", actor.id, "api_token", str(row.id), "granted", None)
        uow.commit()


def user_for_token(token: str) -> StaffUser | None:
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None or not row.staff.active:
        return None
    now = utcnow()
    # Touch at most every few minutes: a write on every API call would cost more than it tells.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        with use_case() as uow:
            row.last_used_at = now
            uow.commit()
    return row.staff


def create_staff(username: str, password: str, role: str, display_name: str, county_id: int,
                 township_id: int | None) -> StaffUser:
    if role not in ROLES:
        raise InvalidInput(fields={"role": ["角色只能是 operator、window、county、admin、auditor"]})
    if role == "window" and township_id is None:
        raise InvalidInput(fields={"township_id": ["乡镇窗口人员必须指定所属乡镇"]})
    with use_case() as uow:
        user = StaffUser(username=username, display_name=display_name, role=role, county_id=county_id,
                         township_id=township_id, password_hash=hash_password(password))
        db.session.add(user)
        uow.commit()
    return user
