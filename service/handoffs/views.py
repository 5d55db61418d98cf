"""Staff API over the chat's handoffs (微信留言): list them, answer one, close one. Thin: handoffs does the work."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.api_schemas import HandoffListSchema, HandoffSchema
from service.auth.guard import require_staff
from service.handoffs import services as handoffs
from service.request_limits import row_id

blp = Blueprint("handoffs", __name__, url_prefix="/api/v1/handoffs",
                description="微信留言：机器人转人工的居民消息与回复")


class HandoffArgsSchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(handoffs.STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    before_id = row_id()


class AnswerSchema(Schema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=handoffs.MAX_ANSWER))


@blp.route("")
@require_staff(*handoffs.ROLES)
@blp.arguments(HandoffArgsSchema, location="query")
@blp.response(200, HandoffListSchema)
def list_handoffs(args, actor):
    """全县的微信留言，默认列出待回复的（等得最久的在前）"""
    return handoffs.list_handoffs(actor, **args)


@blp.route("/<int:handoff_id>/answer", methods=["POST"])
@require_staff(*handoffs.ROLES)
@blp.arguments(AnswerSchema)
@blp.response(200, HandoffSchema)
def answer_handoff(payload, handoff_id, actor):
    """回复一条留言：以微信客服消息发给居民（超过 48 小时改发短信）"""
    return handoffs.answer(actor, handoff_id, payload["answer"])


@blp.route("/<int:handoff_id>/close", methods=["POST"])
@require_staff(*handoffs.ROLES)
@blp.response(200, HandoffSchema)
def close_handoff(handoff_id, actor):
    """不需回复的留言（问候、重复）关闭，不给居民发消息"""
    return handoffs.close(actor, handoff_id)
