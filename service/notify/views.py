"""Staff API over the outbox: what did not reach applicants, and sending it again."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.api_schemas import NotificationListSchema, NotificationSchema
from service.auth.guard import require_staff
from service.notify import services
from service.notify.models import DEAD, STATUSES
from service.request_limits import row_id

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="通知发送情况：失败的通知与重新发送")


class NotificationArgsSchema(Schema):
    status = fields.String(load_default=DEAD, validate=validate.OneOf(STATUSES))
    case_no = fields.String(validate=validate.Length(max=20))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    before_id = row_id()


@blp.route("")
@require_staff()
@blp.arguments(NotificationArgsSchema, location="query")
@blp.response(200, NotificationListSchema)
def list_notifications(args, actor):
    """本乡镇（县级人员：全县）的通知，默认列出发送失败、已停止重试的"""
    return services.list_notifications(actor, **args)


@blp.route("/<int:notification_id>/retry", methods=["POST"])
@require_staff("window", "county", "admin")
@blp.response(200, NotificationSchema)
def retry_notification(notification_id, actor):
    """重新发送一条失败的通知（重新判断发微信还是短信）"""
    return services.retry(actor, notification_id)
