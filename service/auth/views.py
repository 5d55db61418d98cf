"""Thin edges for staff log-in, log-out and API tokens."""

from flask import request, session
from flask_smorest import Blueprint

from service.api_schemas import NewTokenSchema, ProfileSchema, TokenListSchema
from service.auth import services
from service.auth.guard import current_user, require_staff, start_session
from service.auth.models import ROLES
from service.auth.schemas import LoginSchema, TokenCreateSchema
from service.extensions import login_limit

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="工作人员登录与 API 令牌")


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, ProfileSchema)
@login_limit
def login(body):
    user = services.login(body["username"], body["password"], request.remote_addr)
    start_session(user)
    return services.profile(user)


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    user = current_user()
    if user is not None and "staff_id" in session:
        services.end_sessions(user.id)
    session.clear()


@blp.route("/me")
@require_staff(*ROLES)  # every role, the auditor included
@blp.response(200, ProfileSchema)
def me(actor):
    return services.profile(current_user())


@blp.route("/tokens")
@require_staff()
@blp.response(200, TokenListSchema)
def list_tokens(actor):
    return {"items": services.list_tokens(actor)}


@blp.route("/tokens", methods=["POST"])
@require_staff()
@blp.arguments(TokenCreateSchema)
@blp.response(201, NewTokenSchema)
def create_token(body, actor):
    return services.create_token(actor, body["name"])


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@require_staff()
@blp.response(204)
def revoke_token(token_id, actor):
    services.revoke_token(actor, token_id)
