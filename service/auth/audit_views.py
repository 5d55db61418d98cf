"""Staff API over the audit trail, for the auditor role only. Thin: service.auth.audit does the work."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.api_schemas import AuditListSchema
from service.auth import audit
from service.auth.guard import require_staff
from service.request_limits import row_id

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="审计日志：登录、查看完整身份信息、API 令牌")


class AuditArgsSchema(Schema):
    event = fields.String(validate=validate.OneOf(tuple(audit.EVENT_LABELS)))
    username = fields.String(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    before_id = row_id()


@blp.route("")
@require_staff(audit.AUDITOR, refusal="审计日志只有审计员可以查看")
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditListSchema)
def list_audit(args, actor):
    """本县的审计记录，最新的在前（仅审计员）"""
    return audit.list_audit(actor, **args)
