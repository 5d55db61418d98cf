"""修改密码: the account sets its own password. After a one-time password (new account, reset) every other
staff page leads here first, and the JSON endpoints answer 403 password_change_required."""

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for

from service.auth import passwords
from service.auth.guard import current_user, start_session
from service.errors import DomainError, InvalidInput, error_body
from service.extensions import limiter
from service.web.pages import bp, home_for, is_json_request

# what a must-change account may reach besides this page
_OPEN = {"web.password", "web.logout", "web.login", "web.static"}


@bp.before_request
def _own_password_first():
    if request.endpoint in _OPEN:
        return None
    try:
        user = current_user()
    except DomainError:
        return None  # a bad token: the view refuses it in its own words
    if user is None or not user.must_change_password:
        return None
    refusal = passwords.PasswordChangeRequired()
    if is_json_request():
        return jsonify(error_body(403, refusal.code, refusal.message)), 403
    return redirect(url_for("web.password"))


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def password():
    user = current_user()
    if user is None:
        return redirect(url_for("web.login", next=url_for("web.password")))
    if request.method != "POST":
        return _render(user)
    new = request.form.get("new_password", "")
    if new != request.form.get("confirm_password", ""):
        return _render(user, {"confirm_password": ["两次输入的新密码不一致"]}, 422)
    try:
        user = passwords.change_password(user.id, request.form.get("current_password", ""), new, request.remote_addr)
    except InvalidInput as exc:
        return _render(user, exc.fields or {"new_password": [exc.message]}, 422)
    start_session(user)  # other sessions of the account ended; this one goes on
    flash("密码已修改。其他设备上的登录已退出。", "ok")
    return redirect(home_for(user.role))


def _render(user, errors: dict | None = None, status: int = 200):
    return render_template("password.html", forced=user.must_change_password, errors=errors or {},
                           minimum=passwords.min_length()), status
