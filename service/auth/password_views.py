"""POST /api/v1/auth/password: the account sets its own password (required after a one-time password)."""

from flask import current_app, request, session
from flask_smorest import Blueprint

from service.api_schemas import ProfileSchema
from service.auth import passwords, services
from service.auth.guard import current_user, start_session
from service.auth.schemas import PasswordChangeSchema
from service.errors import NotAuthenticated
from service.extensions import limiter

blp = Blueprint("auth_password", __name__, url_prefix="/api/v1/auth", description="修改密码")


@blp.route("/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, ProfileSchema)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
def change_password(body):
    """设置自己的密码：至少 PASSWORD_MIN_LENGTH 位，含大写字母、小写字母、数字、符号中的三类，不含用户名；
    其他会话随之失效，本会话继续有效"""
    user = current_user()
    if user is None:
        raise NotAuthenticated()
    user = passwords.change_password(user.id, body["current_password"], body["new_password"], request.remote_addr)
    if "staff_id" in session:
        start_session(user)  # this session goes on under the account's new epoch
    return services.profile(user)
