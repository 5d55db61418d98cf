"""Request shapes for the intake API; domain checks (ID check digit, village) live in the use cases."""

import re

from marshmallow import Schema, fields, validate

from service.intake import workflow as wf
from service.intake.identity import typed
from service.intake.procedures import INTAKES
from service.request_limits import row_id

MAX_AMOUNT = 9_999_999_999.99  # the columns' Numeric(12, 2); a float, so the OpenAPI document says a number


class Typed(fields.String):
    """A number a person types (case number, last four, phone): full-width characters from a Chinese
    keyboard read as ASCII and blanks dropped before it is validated."""

    def _deserialize(self, value, attr, data, **kwargs):
        return re.sub(r"\s", "", typed(super()._deserialize(value, attr, data, **kwargs)))


class CallSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(max=20))
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=24))
    village_id = row_id(required=True)
    intake = fields.String(required=True, validate=validate.OneOf(INTAKES))
    scheme = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    description = fields.String(required=True, validate=validate.Length(min=2, max=4000))
    urgent = fields.Boolean(load_default=False)
    household_size = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 30))


class QueueArgsSchema(Schema):
    intake = fields.String(validate=validate.OneOf(INTAKES))
    status = fields.List(fields.String(validate=validate.OneOf(wf.STATES)))
    urgent = fields.Boolean()
    overdue = fields.Boolean()
    mine = fields.Boolean()
    township_id = row_id()
    case_no = Typed(validate=validate.Length(max=20))
    phone = Typed(validate=validate.Length(max=20))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(validate=validate.Length(max=200))


class VersionSchema(Schema):
    version = row_id(required=True, metadata={"description": "the version you read; 409 if stale"})


class ActionSchema(VersionSchema):
    note = fields.String(validate=validate.Length(max=2000))
    missing = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=30))
    amount = fields.Decimal(places=2, validate=validate.Range(0, MAX_AMOUNT),
                            metadata={"minimum": 0, "maximum": MAX_AMOUNT})  # numbers in the document, not "0.00"
    first_month = fields.String(validate=validate.Length(max=7))
    reason = fields.String(validate=validate.Length(max=2000))
    to_intake = fields.String(validate=validate.OneOf(INTAKES))
    department = fields.String(validate=validate.Length(max=100))
    contact = fields.String(validate=validate.Length(max=80))
    amount_reason = fields.String(validate=validate.Length(max=500), metadata={
        "description": "批准：金额与核算建议不同时必填的理由（记入办理记录）"})
    confirm_missing = fields.Boolean(metadata={
        "description": "批准：确认在必需材料未收齐时仍批准（记入办理记录）；未确认时 422 materials_missing"})


class LookupSchema(Schema):
    case_no = Typed(required=True, validate=validate.Length(min=1, max=20))
    id_last4 = Typed(required=True, validate=validate.Length(equal=4))


class FileReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("confirm", "reject")),
                             metadata={"description": "confirm: the file takes the application's value; reject"})
