"""Thin edges of the county standards API: read the versions, add one, correct one (audited)."""

from flask import request
from flask_smorest import Blueprint

from service.auth.guard import require_staff
from service.intake import standards_services
from service.intake.casework_answers import (
    StandardsListAnswerSchema,
    StandardsOnAnswerSchema,
    StandardsVersionAnswerSchema,
)
from service.intake.casework_schemas import StandardsCorrectionSchema, StandardsDayArgsSchema, StandardsSchema

blp = Blueprint("county_standards", __name__, url_prefix="/api/v1/county/standards",
                description="县级救助标准（按生效日期的版本；县民政局和管理员可修改，均记入审计日志）")


@blp.route("")
@require_staff()
@blp.response(200, StandardsListAnswerSchema)
def list_standards(actor):
    """全部版本（生效日期新的在前），标出今天执行的版本，并附系统默认值"""
    return standards_services.list_standards(actor)


@blp.route("/in-force")
@require_staff()
@blp.arguments(StandardsDayArgsSchema, location="query")
@blp.response(200, StandardsOnAnswerSchema)
def in_force(args, actor):
    """某一天执行的标准（默认今天）"""
    return standards_services.standards_in_force(actor, args.get("on"))


@blp.route("", methods=["POST"])
@require_staff(*standards_services.EDITORS, refusal="救助标准只有县民政局人员和系统管理员可以修改")
@blp.arguments(StandardsSchema)
@blp.response(201, StandardsVersionAnswerSchema)
def add_version(body, actor):
    """新增一个版本：只需填写变化的项，其余沿用该日期前执行的版本"""
    return standards_services.add_version(actor, body, request.remote_addr)


@blp.route("/<effective_from>", methods=["PUT"])
@require_staff(*standards_services.EDITORS, refusal="救助标准只有县民政局人员和系统管理员可以修改")
@blp.arguments(StandardsCorrectionSchema)
@blp.response(200, StandardsVersionAnswerSchema)
def correct_version(body, effective_from, actor):
    """更正某个版本的数值（生效日期不变）"""
    return standards_services.correct_version(actor, effective_from, body, request.remote_addr)
