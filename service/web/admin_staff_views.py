"""账号管理 for the county's administrator: add accounts (the one-time password is shown once), disable and
enable, reset a password, move a window clerk. Each step is a service.county.staff use case, audited."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from service.auth.models import ROLE_LABELS, ROLES
from service.county import staff
from service.errors import Conflict, InvalidInput, NotFound
from service.extensions import db
from service.intake.models import Township
from service.web.pages import bp, staff_page

ADMIN_ROLES = ("admin",)


def _townships(actor) -> list[str]:
    return list(db.session.scalars(select(Township.name).where(Township.county_id == actor.county_id)
                                   .order_by(Township.code, Township.id)))


def _render(actor, *, errors=None, values=None, problem=None, status=200):
    return render_template("admin_staff.html", accounts=staff.list_staff(actor.county_id), roles=ROLES,
                           role_labels=ROLE_LABELS, townships=_townships(actor), errors=errors or {},
                           values=values or {}, problem=problem), status


@bp.route("/admin/staff")
@staff_page(*ADMIN_ROLES)
def admin_staff(actor):
    return _render(actor)


@bp.route("/admin/staff", methods=["POST"])
@staff_page(*ADMIN_ROLES)
def admin_staff_add(actor):
    values = {k: request.form.get(k, "").strip() for k in ("username", "display_name", "role", "township")}
    try:
        result = staff.add_staff(actor.county_id, values["username"], values["role"], values["display_name"],
                                 values["township"] or None, by=actor, remote_addr=request.remote_addr)
    except InvalidInput as exc:
        return _render(actor, errors=exc.fields or {}, values=values, status=422)
    # rendered, not redirected: the one-time password is never stored anywhere but in the account's hash
    return render_template("admin_staff_done.html", account=result, action="add")


@bp.route("/admin/staff/<username>/<any(disable, enable, reset, township):step>", methods=["POST"])
@staff_page(*ADMIN_ROLES)
def admin_staff_step(username, step, actor):
    where = {"by": actor, "remote_addr": request.remote_addr}
    try:
        if step == "reset":
            result = staff.reset_password(actor.county_id, username, **where)
            return render_template("admin_staff_done.html", account=result, action="reset")
        if step == "disable":
            staff.disable_staff(actor.county_id, username, **where)
            flash(f"已停用 {username}：该账号已退出所有登录，API 令牌已失效。", "ok")
        elif step == "enable":
            staff.enable_staff(actor.county_id, username, **where)
            flash(f"已启用 {username}，可用原密码登录。", "ok")
        else:
            result = staff.set_township(actor.county_id, username, request.form.get("township", ""), **where)
            flash(f"{username} 现属于{result['township']}。", "ok")
    except (Conflict, NotFound) as exc:
        return _render(actor, problem=exc.message, status=exc.status)
    except InvalidInput as exc:
        return _render(actor, problem="；".join(m for ms in (exc.fields or {}).values() for m in ms) or exc.message,
                       status=422)
    return redirect(url_for("web.admin_staff"))
