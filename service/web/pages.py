"""The /staff/ blueprint: who may see a page, CSRF on every form, Chinese error pages, safe headers."""

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HttpNotFound

from service.auth.guard import current_user, require_staff
from service.auth.models import ROLE_LABELS
from service.errors import (
    DomainError,
    NotAuthenticated,
    database_down,
    database_errors,
    error_body,
    http_error,
    http_status,
)
from service.extensions import db
from service.intake import attachments, procedures

log = logging.getLogger(__name__)

bp = Blueprint(
    "web", __name__, url_prefix="/staff", template_folder="templates",
    static_folder="static", static_url_path="/static",
)

CHANNEL_LABELS = {"hotline": "热线", "wechat": "微信", "window": "窗口"}
# the intake's one name from its definition; "other" is the classifier's fourth answer
INTAKE_SHORT = {**procedures.LABELS, "other": "其他事项"}

# Who sees which page; the use cases check again (township scope, workflow roles) whatever the page says.
QUEUE_ROLES = ("window", "county", "operator", "admin")
PHOTO_UPLOADS = frozenset({"web.upload_photo"})  # endpoints whose body may be a photo (attachments.MAX_BYTES)
CALL_ROLES = ("operator", "window", "county")
FIGURES_ROLES = ("county", "admin")


def is_json_request() -> bool:
    return request.path.startswith("/staff/api/")


def staff_page(*roles: str):
    """A logged-in staff member of one of `roles`; passes `actor`. Anonymous callers go to the log-in page
    (NotAuthenticated is turned into a redirect by the handler below)."""
    return require_staff(*roles, refusal="您的角色不能使用此页面")


def home_for(role: str) -> str:
    if role == "operator":
        return url_for("web.new_call")
    if role == "admin":
        return url_for("web.dashboard")
    if role == "auditor":
        return url_for("web.audit_log")
    return url_for("web.queue")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site under /staff/ (never another host) is followed after log-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/") or target.startswith("//"):
        return None
    return target


@bp.before_request
def _protect_forms():
    from service.extensions import csrf

    # Flask-WTF caches the signed token in g; when an app context outlives one request (tests, CLI
    # helpers) the next request must sign its own session's token, not the previous caller's.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if request.endpoint in PHOTO_UPLOADS:  # a phone photo is more than the 1 MB every other form gets
        request.max_content_length = attachments.MAX_BYTES + 64 * 1024
    csrf.protect()  # POST/PUT/PATCH/DELETE need the session's token (form field or X-CSRFToken header)


@bp.after_request
def _headers(response):
    # Assets come from this service only; no inline script, so a stored text cannot become code.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/staff/static/"):
        response.headers.setdefault("Cache-Control", "no-store")  # pages carry personal data
    return response


@bp.app_template_filter("intake_label")
def _intake_label(value: str) -> str:
    return INTAKE_SHORT.get(value, value)


@bp.app_template_filter("channel_label")
def _channel_label(value: str) -> str:
    return CHANNEL_LABELS.get(value, value)


@bp.app_template_filter("beijing_time")
def _beijing_time(value: str | None) -> str:
    """'2026-03-01T02:03:04Z' (UTC) → '2026-03-01 10:03' (Beijing)."""
    import datetime as dt

    from service.clock import to_beijing

    return to_beijing(dt.datetime.fromisoformat(value.rstrip("Z"))).strftime("%Y-%m-%d %H:%M") if value else ""


@bp.app_context_processor
def _page_context():
    if not request.blueprint == "web":
        return {}
    from service.auth.services import actor_of
    from service.handoffs import services as handoffs

    try:
        user = current_user()
        waiting = handoffs.open_count(actor_of(user)) if user is not None and user.role in handoffs.ROLES else 0
    except (DomainError, *database_errors()):  # the error page itself must render while the database is down
        user, waiting = None, 0
    return {"staff": user, "role_labels": ROLE_LABELS, "open_handoffs": waiting, "nav_roles": {
        "queue": QUEUE_ROLES, "call": CALL_ROLES, "figures": FIGURES_ROLES, "handoffs": handoffs.ROLES,
        "audit": ("auditor",), "admin": ("admin",)}}


def error_page(status: int, title: str, message: str):
    if is_json_request():  # the page's title is for people; JSON callers get the API's error code
        return jsonify(error_body(status, http_error(status)[0], message)), status
    return render_template("error.html", status=status, title=title, message=message), status


@bp.errorhandler(NotAuthenticated)
def _not_logged_in(exc: NotAuthenticated):
    if is_json_request():
        return jsonify(error_body(401, exc.code, exc.message)), 401
    target = request.full_path if request.method in ("GET", "HEAD") else None
    return redirect(url_for("web.login", next=safe_next(target), expired=1))


@bp.errorhandler(DomainError)
def _domain(exc: DomainError):
    if is_json_request():
        return jsonify(error_body(exc.status, exc.code, exc.message, exc.fields)), exc.status
    titles = {403: "无权访问", 404: "未找到", 409: "操作冲突", 422: "提交的内容有误", 429: "请稍后再试"}
    return error_page(exc.status, titles.get(exc.status, "无法完成"), exc.message)


@bp.errorhandler(CSRFError)
def _csrf(exc: CSRFError):
    log.info("csrf refused: %s", exc.description)
    return error_page(400, "页面已过期", "页面已过期或来源无法确认，为保护您的账号，本次提交未被执行。请返回、刷新页面后再试。")


_HTTP_PAGES = {
    400: ("请求有误", "提交的内容无法识别，请返回后重试。"),
    403: ("无权访问", "您没有查看此页面的权限。"),
    404: ("未找到", "没有这个页面或记录，请检查地址或案件号。"),
    405: ("不支持的操作", "此页面不支持该操作，请从页面上的按钮进入。"),
    408: ("请求超时", "提交的内容没有按时传完，请检查网络后重试。"),
    413: ("内容过大", "提交的内容过大。"),
    429: ("尝试次数过多", "尝试次数过多，请稍后再试。"),
}


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    status = http_status(exc)
    title, message = _HTTP_PAGES.get(status, ("无法完成", "请求未能完成，请稍后再试。"))
    return error_page(status, title, message)


@bp.errorhandler(database_errors()[0])
@bp.errorhandler(database_errors()[1])
def _database(exc: Exception):
    response, status = error_page(503, "系统暂时不可用", database_down(exc).message)
    response = current_app.make_response((response, status))
    response.headers["Retry-After"] = "5"
    return response


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("staff page error: %s", type(exc).__name__)
    db.session.rollback()  # a failed flush leaves the session unusable for the error page's own queries
    request_id = g.get("request_id", "-")
    return error_page(500, "系统繁忙", f"系统繁忙，请稍后再试；如多次出现请联系管理员（请求编号 {request_id}）。")


@bp.route("/<path:_anything>", methods=["GET", "POST"])
def _unknown(_anything):
    # Unknown addresses under /staff/ get the Chinese 404 page rather than the API's JSON shape.
    raise HttpNotFound()
