"""Staff accounts of a county: added with a one-time password, disabled and enabled, given a new one-time
password, moved to another township, listed. Used by `flask staff …`, the admin pages and the demo seed.

A one-time password is shown once to whoever created it and works only to set the account's own
(service.auth.passwords); resetting one also ends the account's sessions and API tokens.
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select, update

from service.auth import lockout
from service.auth.actor import Actor
from service.auth.models import ROLE_LABELS, ROLES, ApiToken, AuditRecord, StaffUser
from service.auth.passwords import one_time_password
from service.auth.services import hash_password
from service.clock import utcnow
from service.county import codes
from service.county.services import county_by_id
from service.county.trail import check_admin, record_change
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.intake.models import County, Township
from service.unit_of_work import use_case

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,39}$")
WINDOW, ADMIN = "window", "admin"


def add_staff(county_id: int, username: str, role: str, display_name: str, township: str | None = None, *,
              by: Actor | None = None, remote_addr: str | None = None,
              initial_password: str | None = None) -> dict:
    """A new account. Without initial_password (always, outside the demo) it gets a one-time password,
    returned once, that must be changed at first log-in."""
    username, display_name = (username or "").strip(), (display_name or "").strip()
    township = (township or "").strip() or None
    county = county_by_id(county_id)
    check_admin(by, county.id)
    errors: dict[str, list[str]] = {}
    if not USERNAME.match(username):
        errors["username"] = ["用户名为 3–40 位英文字母、数字或 _ . -，以字母或数字开头"]
    if role not in ROLES:
        errors["role"] = ["角色只能是 " + "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)]
    if problem := codes.name_problem(display_name, "姓名"):
        errors["display_name"] = [problem]
    place = None
    if role == WINDOW and township is None:
        errors["township"] = ["乡镇窗口账号必须指定所属乡镇"]
    elif role in ROLES and role != WINDOW and township is not None:
        errors["township"] = [f"{ROLE_LABELS[role]}面向全县，不属于某个乡镇：请不要填乡镇"]
    elif township is not None:
        place = _township(county, township)
        if place is None:
            errors["township"] = [f"本县没有乡镇「{township}」（可填乡镇名称或 9 位代码）"]
    if initial_password is not None and current_app.config["SERVICE_ENV"] == "production":
        raise Forbidden("生产环境的账号只能使用一次性密码")
    if not errors and _find(username) is not None:
        errors["username"] = [f"用户名 {username} 已被使用"]
    if errors:
        raise InvalidInput(fields=errors)
    password = initial_password or one_time_password()
    with use_case() as uow:
        user = StaffUser(username=username, display_name=display_name, role=role, county_id=county.id,
                         township_id=place.id if place else None, password_hash=hash_password(password),
                         must_change_password=initial_password is None)
        db.session.add(user)
        db.session.flush()
        record_change(by, "staff_add", "staff_user", username, before=None, after=_public(user, place),
                      remote_addr=remote_addr)
        result = {**_public(user, place), "one_time_password": None if initial_password else password}
        uow.commit()
    return result


def disable_staff(county_id: int, username: str, *, by: Actor | None = None, remote_addr: str | None = None) -> dict:
    """The account can no longer log in; its sessions and API tokens end. Reversible (enable_staff)."""
    with use_case() as uow:
        user = _get(county_id, username, by)
        if by is not None and by.id == user.id:
            raise Conflict("不能停用自己的账号")
        if not user.active:
            result = _public(user)
            uow.commit()
            return result
        if user.role == ADMIN and _active_admins(user.county_id) <= 1:
            raise Conflict("这是本县最后一个启用的系统管理员账号，不能停用：请先新增另一个管理员")
        user.active = False
        _end_access(user)
        record_change(by, "staff_disable", "staff_user", user.username, before={"active": True},
                      after={"active": False}, remote_addr=remote_addr)
        result = _public(user)
        uow.commit()
        return result


def enable_staff(county_id: int, username: str, *, by: Actor | None = None, remote_addr: str | None = None) -> dict:
    with use_case() as uow:
        user = _get(county_id, username, by)
        if user.active:
            result = _public(user)
            uow.commit()
            return result
        user.active = True
        lockout.unlock(user.username)
        record_change(by, "staff_enable", "staff_user", user.username, before={"active": False},
                      after={"active": True}, remote_addr=remote_addr)
        result = _public(user)
        uow.commit()
        return result


def reset_password(county_id: int, username: str, *, by: Actor | None = None,
                   remote_addr: str | None = None) -> dict:
    """A new one-time password (returned once); the account must change it again, is unlocked, and every
    session and API token it had ends."""
    password = one_time_password()
    with use_case() as uow:
        user = _get(county_id, username, by)
        if by is not None and by.id == user.id:
            raise Conflict("请在“修改密码”页面修改自己的密码")
        before = {"must_change_password": user.must_change_password, "locked": _locked(user)}
        user.password_hash = hash_password(password)
        user.must_change_password = True
        lockout.unlock(user.username)
        tokens = _end_access(user)
        record_change(by, "staff_reset_password", "staff_user", user.username, before=before,
                      after={"must_change_password": True, "locked": False, "tokens_revoked": tokens},
                      remote_addr=remote_addr)
        result = {**_public(user), "one_time_password": password, "tokens_revoked": tokens}
        uow.commit()
        return result


def set_township(county_id: int, username: str, township: str, *, by: Actor | None = None,
                 remote_addr: str | None = None) -> dict:
    """Move a window clerk to another township of the county (their queue follows at the next page)."""
    with use_case() as uow:
        user = _get(county_id, username, by)
        if user.role != WINDOW:
            raise InvalidInput(fields={"township": [f"只有乡镇窗口账号属于某个乡镇，{user.username} 是"
                                                    f"{ROLE_LABELS.get(user.role, user.role)}"]})
        place = _township(county_by_id(user.county_id), (township or "").strip())
        if place is None:
            raise InvalidInput(fields={"township": [f"本县没有乡镇「{township}」"]})
        if place.id == user.township_id:
            result = _public(user)
            uow.commit()
            return result
        before = user.township.name if user.township else None
        user.township_id = place.id
        record_change(by, "staff_township", "staff_user", user.username, before={"township": before},
                      after={"township": place.name}, remote_addr=remote_addr)
        result = _public(user, place)
        uow.commit()
        return result


def list_staff(county_id: int) -> list[dict]:
    last_login = dict(db.session.execute(
        select(AuditRecord.staff_id, func.max(AuditRecord.created_at))
        .join(StaffUser, StaffUser.id == AuditRecord.staff_id)
        .where(StaffUser.county_id == county_id, AuditRecord.event == "login", AuditRecord.outcome == "granted")
        .group_by(AuditRecord.staff_id)).all())
    users = db.session.scalars(select(StaffUser).where(StaffUser.county_id == county_id)
                               .order_by(StaffUser.active.desc(), StaffUser.role, StaffUser.username)).all()
    return [{**_public(u), "locked": _locked(u), "created_at": _stamp(u.created_at),
             "last_login_at": _stamp(last_login.get(u.id))} for u in users]


# ---- helpers --------------------------------------------------------------------------------------


def _township(county: County, name_or_code: str) -> Township | None:
    column = Township.code if re.fullmatch(r"\d{9}", name_or_code) else Township.name
    return db.session.scalars(select(Township).where(Township.county_id == county.id,
                                                     column == name_or_code)).first()


def _find(username: str) -> StaffUser | None:
    # look-alikes (Admin beside admin) are refused: one name, one person
    return db.session.scalars(select(StaffUser).where(func.lower(StaffUser.username) == username.lower())).first()


def _get(county_id: int, username: str, by: Actor | None) -> StaffUser:
    check_admin(by, county_id)
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == (username or "").strip(),
                                                      StaffUser.county_id == county_id)).first()
    if user is None:
        raise NotFound(f"本县没有用户名为 {username} 的账号")
    return user


def _active_admins(county_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.county_id == county_id, StaffUser.role == ADMIN, StaffUser.active.is_(True)))


def _end_access(user: StaffUser) -> int:
    """Every session cookie and API token of the account stops working; returns the tokens revoked."""
    user.session_epoch += 1
    result = db.session.execute(update(ApiToken).where(ApiToken.staff_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount or 0


def _locked(user: StaffUser) -> bool:
    return lockout.is_locked(user.username)


def _public(user: StaffUser, township: Township | None = None) -> dict:
    township = township or user.township
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "role_label": ROLE_LABELS.get(user.role, user.role), "township": township.name if township else None,
            "active": user.active, "must_change_password": user.must_change_password}


def _stamp(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None
