"""Named domain exceptions and the one JSON error shape they map to.

Shape: {"error": {"status", "code", "message", "fields"?}, "request_id"}. Messages are Chinese because
clerks and residents read them; codes are English because integrations branch on them.
"""

import logging
import re

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, message: str | None = None, *, fields: dict | None = None, code: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields
        if code:
            self.code = code


class InvalidInput(DomainError):
    status, code, message = 422, "invalid_fields", "提交的内容有误，请按提示修改"


class NotAuthenticated(DomainError):
    status, code, message = 401, "not_authenticated", "请先登录"


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", "无权访问：该申请不属于您所在的乡镇或超出您的权限"


class NotFound(DomainError):
    status, code, message = 404, "not_found", "未找到"


class Conflict(DomainError):
    status, code, message = 409, "conflict", "操作冲突"


class StaleVersion(Conflict):
    code, message = "stale_version", "该申请刚被他人修改，请刷新后再操作"


class InvalidTransition(Conflict):
    code, message = "invalid_transition", "当前状态下不能进行此操作"


class RateLimited(DomainError):
    status, code, message = 429, "rate_limited", "尝试次数过多，请稍后再试"


class Unavailable(DomainError):
    status, code, message = 503, "database_unavailable", "系统暂时无法连接数据库，请稍后再试"


def database_errors() -> tuple[type[Exception], ...]:
    """Errors that mean the database cannot be reached (down, restarting, pool exhausted), not a bug."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    return OperationalError, PoolTimeout


def database_down(exc: Exception) -> Unavailable:
    """Log the outage without its message (it can quote the statement) and roll the session back."""
    from service.extensions import db

    log.warning("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection is already gone; nothing to roll back)
        pass
    return Unavailable()


# marshmallow's built-in messages, in the words a clerk understands
_FIELD_MESSAGES = [
    (r"^Missing data for required field\.$", "此项必填"),
    (r"^Field may not be null\.$", "此项不能为空"),
    (r"^Unknown field\.$", "不支持的字段"),
    (r"^Not a valid string\.$", "应为文字"),
    (r"^Not a valid integer\.$", "应为整数"),
    (r"^Not a valid number\.$", "应为数字"),
    (r"^Not a valid boolean\.$", "应为是或否（true/false）"),
    (r"^Not a valid date\.$", "日期格式应为 YYYY-MM-DD"),
    (r"^Not a valid datetime\.$", "时间格式不正确"),
    (r"^Not a valid list\.$", "应为列表"),
    (r"^Invalid input type\.$", "格式不正确"),
    (r"^Invalid value\.$", "取值不正确"),
    (r"^Must be one of: (.*)\.$", r"只能是以下之一：\1"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"长度应在 \1 到 \2 之间"),
    (r"^Shorter than minimum length (\d+)\.$", r"至少 \1 个字"),
    (r"^Longer than maximum length (\d+)\.$", r"最多 \1 个字"),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$", r"应在 \1 到 \2 之间"),
    (r"^Must be greater than or equal to (\S+)\.$", r"不能小于 \1"),
    (r"^Must be greater than (\S+)\.$", r"应大于 \1"),
    (r"^Must be less than or equal to (\S+)\.$", r"不能大于 \1"),
    (r"^Invalid (request|JSON) body\.$", "请求内容不是有效的 JSON"),
    (r"^String does not match expected pattern\.$", "格式不正确"),
]
_COMPILED = [(re.compile(p), r) for p, r in _FIELD_MESSAGES]


def translate(messages):
    """Translate marshmallow's nested error messages into Chinese, leaving ours untouched."""
    if isinstance(messages, dict):
        return {k: translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [translate(m) for m in messages]
    if isinstance(messages, str):
        for pattern, repl in _COMPILED:
            if pattern.match(messages):
                return pattern.sub(repl, messages)
    return messages


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    from flask import g

    body = {"error": {"status": status, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    body["request_id"] = getattr(g, "request_id", None)
    return body


_HTTP_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "未找到该地址或记录"),
    405: ("method_not_allowed", "不支持该请求方法"),
    408: ("request_timeout", "请求超时：提交的内容没有按时传完，请重试"),
    413: ("too_large", "提交的内容过大"),
    415: ("unsupported_media_type", "请以 JSON 格式提交"),
    500: ("internal_error", "系统繁忙，请稍后再试；如多次出现请联系管理员"),
    **{cls.status: (cls.code, cls.message)
       for cls in (NotAuthenticated, Conflict, InvalidInput, RateLimited, Unavailable)},
}


def http_error(status: int) -> tuple[str, str]:
    """The error code and short Chinese message for an HTTP status, as every JSON error carries them."""
    return _HTTP_MESSAGES.get(status, ("error", "请求未能完成"))


def http_status(exc) -> int:
    """The status to answer an HTTPException with: a body that did not arrive in full (the client's read
    deadline in service/gunicorn_worker.py ran out, or it hung up) is a 408, not werkzeug's 400."""
    from werkzeug.exceptions import ClientDisconnected

    return 408 if isinstance(exc, ClientDisconnected) else exc.code or 500


def register_error_handlers(app) -> None:
    from flask import jsonify
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError
    from werkzeug.exceptions import HTTPException

    def respond(status, code, message, fields=None):
        return jsonify(error_body(status, code, message, fields)), status

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return respond(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(database_errors()[0])
    @app.errorhandler(database_errors()[1])
    def _database(exc):
        error = database_down(exc)
        response, status = respond(error.status, error.code, error.message)
        response.headers["Retry-After"] = "5"
        return response, status

    @app.errorhandler(StaleDataError)
    def _stale(_exc):
        return respond(409, StaleVersion.code, StaleVersion.message)

    @app.errorhandler(IntegrityError)
    def _integrity(_exc):
        # a unique key another request took first (use cases that expect it turn it into their own 409);
        # the constraint's name helps engineers, and the engine hides the values (hide_parameters)
        log.warning("integrity error answered as a conflict", exc_info=True)
        return respond(409, "conflict", "与他人同时提交的内容冲突，请刷新后重试")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = http_status(exc)
        code, message = http_error(status)
        fields = None
        data = getattr(exc, "data", None) or {}
        if "messages" in data:
            # flask-smorest / webargs put per-location field errors here; flatten json/query locations
            fields = {}
            for location, location_errors in data["messages"].items():
                if isinstance(location_errors, dict):
                    fields.update(translate(location_errors))
                else:  # a body that is not JSON at all has no fields to point at
                    fields[location] = translate(location_errors)
        return respond(status, code, message, fields)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Logged with its traceback for engineers; the caller sees a stable shape without internals.
        log.exception("unhandled error: %s", type(exc).__name__)
        return respond(500, *http_error(500))
