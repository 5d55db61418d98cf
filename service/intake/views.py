"""Thin edges of the intake API: parse, call one use case, return its dict."""

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select

from service.api_schemas import (
    ApplicationDetailSchema,
    PublicStatusSchema,
    QueueSchema,
    RevealSchema,
    TownshipListSchema,
)
from service.auth.guard import require_staff
from service.auth.models import ROLES
from service.extensions import db, limiter
from service.intake import lookup, opening, queue, services
from service.intake import workflow as wf
from service.intake.models import Township
from service.intake.schemas import (
    ActionSchema,
    CallSchema,
    FileReviewSchema,
    LookupSchema,
    QueueArgsSchema,
    VersionSchema,
)

blp = Blueprint("intake", __name__, url_prefix="/api/v1", description="受理、窗口队列与办理")
public = Blueprint("public", __name__, url_prefix="/api/v1/public", description="申请人自助查询")


@blp.route("/calls", methods=["POST"])
@require_staff("operator", "window", "county")
@blp.arguments(CallSchema)
@blp.response(201, ApplicationDetailSchema)
def log_call(body, actor):
    """热线来电登记：按手机号或身份证匹配申请人，生成案件号"""
    channel = "hotline" if actor.role == "operator" else "window"
    return opening.open_application(actor, body, channel=channel)


@blp.route("/applications")
@require_staff()
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueSchema)
def list_applications(args, actor):
    """乡镇窗口队列：紧急优先，其次按期限；游标分页"""
    return queue.list_queue(actor, args)


@blp.route("/applications/<case_no>")
@require_staff()
@blp.response(200, ApplicationDetailSchema)
def get_application(case_no, actor):
    return services.detail(actor, case_no)


@blp.route("/applications/<case_no>/claim", methods=["POST"])
@require_staff("window", "county")
@blp.arguments(VersionSchema)
@blp.response(200, ApplicationDetailSchema)
def claim_application(body, case_no, actor):
    return services.claim(actor, case_no, body["version"])


@blp.route(f"/applications/<case_no>/actions/<any({', '.join(wf.ACTIONS)}):action>", methods=["POST"])
@require_staff("window", "county")
@blp.arguments(ActionSchema)
@blp.response(200, ApplicationDetailSchema)
def act(body, case_no, action, actor):
    """办理一步：受理、补正、调查、公示、报县、批准、不予批准、转办、先行救助、撤回"""
    version = body.pop("version")
    return services.act(actor, case_no, action, body, version)


@blp.route("/applications/<case_no>/reveal-id", methods=["POST"])
@require_staff(*ROLES)  # every role reaches the use case, so every refused attempt is audited
@blp.response(200, RevealSchema)
def reveal_id(case_no, actor):
    """查看完整身份证号和手机号（记入审计日志）"""
    return services.reveal_id_number(actor, case_no, request.remote_addr)


@blp.route("/applications/<case_no>/file-differences/<any(name, phone, village):field>", methods=["POST"])
@require_staff("window", "county")
@blp.arguments(FileReviewSchema)
@blp.response(200, ApplicationDetailSchema)
def review_file(body, case_no, field, actor):
    """与档案不同：确认后更新申请人档案（confirm），或不采用（reject）；记入审计日志"""
    return services.review_file_difference(actor, case_no, field, body["decision"], remote_addr=request.remote_addr)


@blp.route("/applications/<case_no>/followers/<int:follower_id>", methods=["DELETE"])
@require_staff("window", "county")
@blp.response(200, ApplicationDetailSchema)
def remove_follower(case_no, follower_id, actor):
    """移除关注此申请的微信（此后的通知不再发给它；记入审计日志）"""
    return services.remove_follower(actor, case_no, follower_id, remote_addr=request.remote_addr)


@blp.route("/townships")
@require_staff()
@blp.response(200, TownshipListSchema)
def townships(actor):
    rows = db.session.scalars(select(Township).where(Township.county_id == actor.county_id).order_by(Township.id))
    return {"items": [
        {"id": t.id, "name": t.name, "code": t.code,
         "villages": [{"id": v.id, "name": v.name, "code": v.code} for v in t.villages]}
        for t in rows
    ]}


@public.route("/lookup", methods=["POST"])
@public.arguments(LookupSchema)
@public.response(200, PublicStatusSchema)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"])
def public_lookup(body):
    """申请人凭案件号和身份证号后四位查询进度（限制频率，防止猜测）"""
    return lookup.public_status(body["case_no"], body["id_last4"], request.remote_addr)
