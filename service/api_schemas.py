"""What the JSON API answers, declared once for the OpenAPI document and the views' @blp.response: the
error shape every refusal has, and each success body. The fuzzing suite (tests/fuzz/) checks real answers
against these, so a field added to a use case's dict and not here is dropped from the answer and caught."""

from marshmallow import Schema, fields


def maybe(field_class=fields.String, **kw):
    return field_class(allow_none=True, **kw)


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    code = fields.String(required=True, metadata={"description": "stable English code integrations branch on"})
    message = fields.String(required=True, metadata={"description": "简体中文说明"})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "per-field messages (422)"})


class ErrorResponseSchema(Schema):
    """{"error": {"status", "code", "message", "fields"?}, "request_id"}: every 4xx and 5xx."""

    error = fields.Nested(ErrorDetailSchema, required=True)
    request_id = maybe(required=True)


# -- auth -------------------------------------------------------------------------------------------
class ProfileSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    township_id = maybe(fields.Integer)
    township = maybe()
    must_change_password = fields.Boolean(metadata={"description": "一次性密码登录：须先修改密码"})


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = fields.String()
    last_used_at = maybe()
    revoked = fields.Boolean()


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "shown once: keep it, only its hash is stored"})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


# -- applications -----------------------------------------------------------------------------------
class ApplicationRowSchema(Schema):
    case_no = fields.String()
    intake = fields.String()
    intake_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    urgent = fields.Boolean()
    channel = fields.String()
    applicant_name = fields.String()
    applicant_phone = maybe()
    township_id = fields.Integer()
    township = fields.String()
    village_id = maybe(fields.Integer)
    village = maybe()
    step_deadline = maybe()
    final_deadline = maybe()
    workdays_left = maybe(fields.Integer)
    overdue = fields.Boolean()
    clock_paused = fields.Boolean()
    assigned_to = maybe()
    version = fields.Integer()
    created_at = fields.String()


class QueueSchema(Schema):
    items = fields.List(fields.Nested(ApplicationRowSchema))
    next_cursor = maybe()


class ApplicantSchema(Schema):
    name = fields.String()
    phone = maybe()
    id_number = maybe(metadata={"description": "masked: first 3 and last 4"})
    has_wechat = fields.Boolean()


class MaterialSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String(metadata={"description": "pending | requested | received | waived | looked_up"})
    status_label = fields.String()
    required = fields.Boolean()
    waived_reason = maybe(metadata={"description": "why it was waived (免于提交)"})
    platform = maybe(metadata={"description": "the platform it was looked up on"})
    marked_at = maybe()


class AllowedActionSchema(Schema):
    action = fields.String()
    label = fields.String()


class HistorySchema(Schema):
    action = fields.String()
    from_status = maybe()
    to_status = fields.String()
    to_status_label = fields.String()
    actor = fields.String()
    note = maybe()
    data = fields.Dict()
    at = fields.String()


class OtherApplicationSchema(Schema):
    case_no = fields.String()
    intake = fields.String()
    intake_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    township = fields.String()
    created_at = fields.String()
    approved_amount = maybe()
    emergency_aid_amount = maybe()
    visible = fields.Boolean(metadata={"description": "false: one this caller may not see, only open and label"})
    open = fields.Boolean()
    label = fields.String()


class ApplicantFileSchema(Schema):
    name = fields.String()
    phone = maybe()
    village = maybe()


class FileDifferenceSchema(Schema):
    field = fields.String()
    label = fields.String()
    given = maybe()
    on_file = maybe(metadata={"description": "null for those who may not see the file"})
    decision = maybe()
    decision_label = maybe()


class FollowerSchema(Schema):
    id = fields.Integer()
    account = fields.String(metadata={"description": "masked openid"})
    source = fields.String()
    source_label = fields.String()
    since = fields.String()
    removed_at = maybe()


class WaitingActionSchema(AllowedActionSchema):
    reason = fields.String(metadata={"description": "why not yet, with the day it opens (公示 runs its term)"})


class PublishedFiguresSchema(Schema):
    household_size = fields.Integer(allow_none=True)
    proposed_amount = fields.Integer(allow_none=True, metadata={"description": "元/月 for 低保, 元 for 临时救助; null when not computed"})


class PublicNoticeSchema(Schema):
    started_on = maybe(metadata={"description": "the day 公示 started (null for one started before it was recorded)"})
    ends_on = fields.String(metadata={"description": "the last day of 公示; the file may go to the county from it"})
    ended = fields.Boolean()
    cleared_on = maybe(metadata={"description": "the day its end was recorded 无异议; null until then"})
    published = fields.Nested(PublishedFiguresSchema, allow_none=True, metadata={
        "description": "what the 公示 shows, frozen when it started; null for one started before figures were kept"})


class ProcedureStepSchema(Schema):
    status = fields.String()
    name = fields.String()
    current = fields.Boolean()


class ApplicationDetailSchema(ApplicationRowSchema):
    scheme = maybe()
    description = fields.String()
    household_size = maybe(fields.Integer)
    total_days = fields.Integer()
    applicant = fields.Nested(ApplicantSchema)
    file = fields.Nested(ApplicantFileSchema, allow_none=True,
                         metadata={"description": "the applicant's file; null for those who may not see it"})
    file_differences = fields.List(fields.Nested(FileDifferenceSchema))
    can_review_file = fields.Boolean()
    followers = fields.List(fields.Nested(FollowerSchema))
    can_remove_followers = fields.Boolean()
    route = maybe(fields.Dict, metadata={"description": "the classifier's suggestion"})
    approved_amount = maybe()
    first_month = maybe()
    emergency_aid_amount = maybe()
    decision_reason = maybe()
    referred_to = maybe()
    applicant_message = fields.String()
    materials = fields.List(fields.Nested(MaterialSchema))
    missing_materials = fields.List(fields.String(), metadata={
        "description": "required items not yet received, waived or looked up (what 补正 would ask for)"})
    allowed_actions = fields.List(fields.Nested(AllowedActionSchema))
    waiting_actions = fields.List(fields.Nested(WaitingActionSchema))
    public_notice = fields.Nested(PublicNoticeSchema, allow_none=True)
    steps = fields.List(fields.Nested(ProcedureStepSchema), metadata={"description": "the intake's procedure"})
    history = fields.List(fields.Nested(HistorySchema))
    other_applications = fields.List(fields.Nested(OtherApplicationSchema))
    repeat_relief = fields.Boolean()
    repeat_relief_cases = fields.List(fields.String())


class RevealSchema(Schema):
    case_no = fields.String()
    id_number = maybe()
    phone = maybe()


class VillageSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    code = maybe()


class TownshipSchema(VillageSchema):
    villages = fields.List(fields.Nested(VillageSchema))


class TownshipListSchema(Schema):
    items = fields.List(fields.Nested(TownshipSchema))


class PublicStatusSchema(Schema):
    case_no = fields.String()
    intake = fields.String()
    status = fields.String()
    message = fields.String()
    township = fields.String()


# -- handoffs, notifications, audit ------------------------------------------------------------------
class HandoffCaseSchema(Schema):
    case_no = fields.String()
    status_label = fields.String()


class HandoffSchema(Schema):
    id = fields.Integer()
    resident = fields.String(metadata={"description": "masked openid"})
    phone = maybe()
    reason = fields.String()
    reason_label = fields.String()
    text = fields.String()
    status = fields.String()
    status_label = fields.String()
    answer = maybe()
    cases = fields.List(fields.Nested(HandoffCaseSchema))
    window_open = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()
    handled_at = maybe()


class HandoffListSchema(Schema):
    items = fields.List(fields.Nested(HandoffSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    next_before_id = maybe(fields.Integer)


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    case_no = maybe()
    channel = fields.String()
    sent_via = maybe()
    status = fields.String()
    attempts = fields.Integer()
    recipient = maybe()
    last_error = maybe()
    fallback_reason = maybe()
    delivery_status = maybe()
    text = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class NotificationListSchema(HandoffListSchema):
    items = fields.List(fields.Nested(NotificationSchema))


class AuditRowSchema(Schema):
    id = fields.Integer()
    at = fields.String()
    username = maybe()
    display_name = maybe()
    event = fields.String()
    event_label = fields.String()
    target_type = fields.String()
    target_id = maybe()
    outcome = fields.String()
    outcome_label = fields.String()
    remote_addr = maybe()
    details = maybe(fields.Dict, metadata={"description": "a change's before and after, where it has them"})


class AuditListSchema(Schema):
    items = fields.List(fields.Nested(AuditRowSchema))
    next_before_id = maybe(fields.Integer)
