"""Log in and out of the staff pages: the same login use case (lock-out) and session as the JSON API."""

from flask import flash, redirect, render_template, request, session, url_for

from service.auth import services as auth_services
from service.auth.guard import current_user, start_session
from service.errors import Forbidden, NotAuthenticated
from service.extensions import login_limit
from service.web.pages import bp, home_for, safe_next


@bp.route("/")
def home():
    user = current_user()
    if user is None:
        return redirect(url_for("web.login"))
    return redirect(home_for(user.role))


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method != "POST":  # GET, and HEAD (monitors, link checkers) answered the same way
        user = current_user()
        if user is not None:
            return redirect(next_url or home_for(user.role))
        notice = "请先登录；如长时间未操作，登录已过期，请重新登录。" if request.args.get("expired") else None
        return render_template("login.html", next_url=next_url, notice=notice, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return _refused(next_url, username, "请填写用户名和密码", 422)
    try:
        user = auth_services.login(username, password, request.remote_addr)
    except NotAuthenticated as exc:
        return _refused(next_url, username, exc.message, 401)
    except Forbidden as exc:
        return _refused(next_url, username, exc.message, 403)
    start_session(user)
    flash(f"欢迎，{user.display_name}", "ok")
    return redirect(next_url or home_for(user.role))


def _refused(next_url, username, message, status):
    return render_template("login.html", next_url=next_url, error=message, username=username), status


@bp.route("/logout", methods=["POST"])
def logout():
    user = current_user()
    if user is not None and "staff_id" in session:
        auth_services.end_sessions(user.id)  # every other cookie of this account stops working too
    session.clear()
    flash("已安全退出", "ok")
    return redirect(url_for("web.login"))
