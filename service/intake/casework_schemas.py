"""Request shapes of the casework API (household, investigation, means test, county standards).

Bounds live here so nothing unbounded reaches the database (ids within int4, amounts with two decimals);
what needs the database (a member of this household, staff of this township) is checked by the use cases.
"""

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from service.intake import standards as st
from service.intake.household_terms import (
    AREAS,
    ASSET_KINDS,
    CARE_LEVELS,
    EXCLUSIONS,
    INCOME_KINDS,
    PERIODS,
    RELATIONS,
    SEVERITIES,
    VEHICLE_PURPOSES,
)
from service.intake.schemas import VersionSchema
from service.request_limits import row_id


def _id(**kwargs) -> fields.Integer:
    return row_id(strict=True, **kwargs)  # JSON ids are numbers: "12" is refused, not read


def _note() -> fields.String:
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))


class Amount(fields.Field):
    """元, as a JSON string or number ("1000", 1000, 1000.5); never a float inside: parsed to Decimal."""

    def __init__(self, high: str = "10000000", **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("description", f"金额（元），字符串或数字，0 到 {high}，最多两位小数")
        kwargs["metadata"].setdefault("example", "1000.00")
        super().__init__(**kwargs)
        self.spec = st.Spec("金额", "money", Decimal(0), Decimal(high), 2, optional=False)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return st.parse_decimal(value, self.spec)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _choice(choices: dict, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(tuple(choices)), **kwargs)


class MemberSchema(Schema):
    id = _id(allow_none=True, metadata={"description": "已保存成员的 id；新成员不填"})
    relation = _choice(RELATIONS, required=True)
    name = fields.String(required=True, validate=validate.Length(1, 40))
    id_number = fields.String(allow_none=True, validate=validate.Length(max=24),
                              metadata={"description": "不传：保留已存的号码；null：清除"})
    care_level = _choice(CARE_LEVELS, allow_none=True, load_default=None)
    excluded_reason = _choice(EXCLUSIONS, allow_none=True, load_default=None)
    excluded_note = _note()
    # the flags the means test reads (household_terms.MEMBER_FLAGS)
    disability_grade_1_2 = fields.Boolean(load_default=False)
    grave_illness = fields.Boolean(load_default=False)
    in_school = fields.Boolean(load_default=False)
    aged_60_plus = fields.Boolean(load_default=False, metadata={"description": "有身份证号时按出生日期自动判断"})
    unable_to_work = fields.Boolean(load_default=False)


class HouseholdSchema(Schema):
    version = row_id(required=True, allow_none=True, metadata={"description": "读取时的版本号；尚无家庭记录时为 null"})
    area = _choice(AREAS, load_default="rural")
    members = fields.List(fields.Nested(MemberSchema), required=True, validate=validate.Length(1, 30))


def _member_id(what: str) -> fields.Integer:
    return _id(allow_none=True, load_default=None, metadata={"description": f"家庭成员 id；全家共有的{what}不填"})


class IncomeSchema(Schema):
    member_id = _member_id("收入")
    kind = _choice(INCOME_KINDS, required=True)
    amount = Amount(required=True)
    period = _choice(PERIODS, load_default="month")
    costs = Amount(load_default=Decimal(0), metadata={"description": "经营、种植养殖、财产收入的成本（同一期间）"})
    note = _note()


class AssetSchema(Schema):
    member_id = _member_id("财产")
    kind = _choice(ASSET_KINDS, required=True)
    value = Amount(high="1000000000", load_default=Decimal(0))
    purpose = _choice(VEHICLE_PURPOSES, allow_none=True, load_default=None)
    count = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 20))
    note = _note()


class InvestigationSchema(Schema):
    visited_on = fields.Date(required=True)
    visitor_ids = fields.List(_id(), required=True, validate=validate.Length(max=20))
    living_conditions = fields.String(required=True, validate=validate.Length(1, 4000))
    neighbour_notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))
    has_able_supporter = fields.Boolean(allow_none=True, load_default=None)
    relief_severity = _choice(SEVERITIES, allow_none=True, load_default=None)
    incomes = fields.List(fields.Nested(IncomeSchema), load_default=list, validate=validate.Length(max=200))
    assets = fields.List(fields.Nested(AssetSchema), load_default=list, validate=validate.Length(max=200))
    photo_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=50))
    applicant_signed = fields.Boolean(load_default=False)
    signed_on = fields.Date(allow_none=True, load_default=None)


class InvestigationUpdateSchema(InvestigationSchema, VersionSchema):
    pass


class MeansTestArgsSchema(Schema):
    on = fields.Date(metadata={"description": "决定日（默认今天）：按当日执行的标准核算"})


class StandardsDayArgsSchema(Schema):
    on = fields.Date(metadata={"description": "日期（默认今天）"})


def _standards_fields() -> dict:
    names = dict.fromkeys(key.partition(".")[0] for key in st.FIELDS)
    return {name: fields.Raw(allow_none=True, metadata={"description": st.FIELDS[name].label if name in st.FIELDS
                                                          else "、".join(s.label for k, s in st.FIELDS.items()
                                                                        if k.startswith(name + "."))})
            for name in names}


# Values are checked by service.intake.standards (one place for bounds and Chinese messages, page and API).
StandardsSchema = Schema.from_dict({"effective_from": fields.Raw(required=True,
                                                                  metadata={"description": "生效日期 YYYY-MM-DD"}),
                                    **_standards_fields()}, name="StandardsVersion")
StandardsCorrectionSchema = Schema.from_dict(_standards_fields(), name="StandardsCorrection")
