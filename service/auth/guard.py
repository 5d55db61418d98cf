"""Who is calling: a staff session cookie (web) or a Bearer API token (integrations)."""

from functools import wraps

from flask import g, request, session

from service.auth.actor import Actor
from service.auth.models import CASE_ROLES, StaffUser
from service.auth.passwords import PasswordChangeRequired
from service.auth.services import actor_of, user_for_token
from service.errors import Forbidden, NotAuthenticated
from service.extensions import db


def forget_user() -> None:
    """Before each request: the caller is worked out afresh, even when an app context outlives requests."""
    g.pop("staff_user", None)
    g.pop("staff_id", None)


def current_user() -> StaffUser | None:
    if "staff_user" in g:
        return g.staff_user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            raise NotAuthenticated("API 令牌无效或已吊销", code="bad_token")
    elif "staff_id" in session:
        candidate = db.session.get(StaffUser, session["staff_id"])
        if candidate and candidate.active and candidate.session_epoch == session.get("epoch"):
            user = candidate
    g.staff_user = user
    if user is not None:
        g.staff_id = user.id
    return user


def current_actor() -> Actor:
    user = current_user()
    if user is None:
        raise NotAuthenticated()
    return actor_of(user)


def require_staff(*roles: str, refusal: str = "您的角色不能进行此操作"):
    """Decorator: a logged-in staff member of one of `roles` (none named: every role that works on cases,
    CASE_ROLES, which leaves out the auditor); passes `actor` to the view."""
    allowed = roles or CASE_ROLES
    message = refusal if roles else "审计员只能查看审计日志"

    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            actor = current_actor()
            if g.staff_user.must_change_password:  # a one-time password opens only the password change
                raise PasswordChangeRequired()
            if actor.role not in allowed:
                raise Forbidden(message)
            return view(*args, actor=actor, **kwargs)

        return inner

    return wrap


def start_session(user: StaffUser) -> None:
    session.clear()
    session.permanent = True
    session["staff_id"] = user.id
    session["epoch"] = user.session_epoch
