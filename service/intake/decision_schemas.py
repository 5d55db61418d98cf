"""Request and answer shapes of the materials checklist and the approval form (casework API)."""

from marshmallow import Schema, fields, validate

from service.api_schemas import MaterialSchema, maybe
from service.intake import materials as mat
from service.intake.casework_answers import MeansTestSummarySchema


class MaterialMarkSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(mat.MARKS), metadata={
        "description": "received 已收到 | waived 免于提交（须 reason） | looked_up 已通过平台查询（须 platform） | "
                       "pending 撤销标记"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    platform = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60),
                             metadata={"description": "如：" + "、".join(mat.PLATFORMS[:3])})


class MaterialListAnswerSchema(Schema):
    case_no = fields.String()
    items = fields.List(fields.Nested(MaterialSchema))
    missing = fields.List(fields.String(), metadata={"description": "required items still owed"})
    platforms = fields.List(fields.String(), metadata={"description": "platforms commonly checked"})


class ApprovalOptionSchema(Schema):
    basis = fields.String(metadata={"description": "household | single:<member id> | tekun | temporary_relief"})
    label = fields.String()
    amount = fields.Integer(metadata={"description": "元（低保、特困为每月）"})
    explanation = fields.String()


class ProposalSchema(Schema):
    amount = maybe(fields.Integer, metadata={"description": "the proposed amount; null: not eligible"})
    basis = maybe()
    options = fields.List(fields.Nested(ApprovalOptionSchema))
    eligible = fields.Boolean()
    per_capita_income = maybe()
    standard = maybe()
    counted_members = maybe(fields.Integer)
    reasons = fields.List(fields.String())


class ComputationSchema(MeansTestSummarySchema):
    standards_note = fields.String()
    benefit_explanation = maybe()


class ApprovalFormAnswerSchema(Schema):
    case_no = fields.String()
    intake = fields.String()
    on = fields.String(metadata={"description": "the decision date the computation used"})
    computation = fields.Nested(ComputationSchema, allow_none=True)
    proposal = fields.Nested(ProposalSchema, allow_none=True, metadata={"description": "null: nothing to propose"})
    not_computed = maybe(metadata={"description": "why there is no computation (e.g. 请先登记家庭成员)"})
    missing_materials = fields.List(fields.String())
    first_month = fields.String()
