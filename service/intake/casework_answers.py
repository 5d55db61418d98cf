"""What the casework API answers (household, investigation, means test, county standards), declared for the
OpenAPI document and @blp.response. The response dumps the use case's dict through these, so a key missing
here is dropped from the answer: tests/e2e/test_api_answers.py compares every answer with its dict."""

from marshmallow import Schema, fields

from service.api_schemas import maybe
from service.intake import standards as st
from service.intake.household_terms import MEMBER_FLAGS

# -- household --------------------------------------------------------------------------------------
HouseholdMemberFlags = Schema.from_dict(
    {flag: fields.Boolean(metadata={"description": label}) for flag, label in MEMBER_FLAGS.items()},
    name="HouseholdMemberFlags")


class HouseholdMemberAnswerSchema(HouseholdMemberFlags):
    id = maybe(fields.Integer, metadata={"description": "null: the draft's 本人, not saved yet"})
    relation = fields.String()
    relation_label = fields.String()
    name = fields.String()
    id_number = maybe(metadata={"description": "masked: first 3 and last 4"})
    care_level = maybe()
    care_level_label = maybe()
    excluded_reason = maybe()
    excluded_label = maybe()
    excluded_note = maybe()
    counted = fields.Boolean()


class HouseholdAnswerSchema(Schema):
    case_no = fields.String()
    reported_size = maybe(fields.Integer, metadata={"description": "the size the applicant gave"})
    exists = fields.Boolean(metadata={"description": "false: a draft from the application, not saved yet"})
    version = maybe(fields.Integer)
    area = fields.String()
    area_label = fields.String()
    members = fields.List(fields.Nested(HouseholdMemberAnswerSchema))
    counted_members = fields.Integer()
    updated_at = maybe()


class MemberRevealAnswerSchema(Schema):
    case_no = fields.String()
    member_id = fields.Integer()
    name = fields.String()
    id_number = maybe()


# -- investigation ----------------------------------------------------------------------------------
class VisitorAnswerSchema(Schema):
    id = fields.Integer()
    name = maybe()


class _ItemAnswerSchema(Schema):
    id = fields.Integer()
    member_id = maybe(fields.Integer, metadata={"description": "null: the household's as a whole"})
    member_name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    note = maybe()


class IncomeItemAnswerSchema(_ItemAnswerSchema):
    amount = fields.String(metadata={"description": "元, two decimals"})
    period = fields.String()
    period_label = fields.String()
    costs = fields.String()


class AssetItemAnswerSchema(_ItemAnswerSchema):
    value = fields.String(metadata={"description": "元, two decimals"})
    purpose = maybe()
    purpose_label = maybe()
    count = fields.Integer()


class InvestigationAnswerSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    visited_on = fields.String()
    visitors = fields.List(fields.Nested(VisitorAnswerSchema))
    living_conditions = fields.String()
    neighbour_notes = maybe()
    has_able_supporter = maybe(fields.Boolean)
    relief_severity = maybe()
    relief_severity_label = maybe()
    photo_ids = fields.List(fields.Integer())
    applicant_signed = fields.Boolean()
    signed_on = maybe()
    incomes = fields.List(fields.Nested(IncomeItemAnswerSchema))
    assets = fields.List(fields.Nested(AssetItemAnswerSchema))
    recorded_by = maybe()
    created_at = fields.String()
    updated_at = fields.String()


class InvestigationListAnswerSchema(Schema):
    case_no = fields.String()
    items = fields.List(fields.Nested(InvestigationAnswerSchema), metadata={"description": "newest first"})


# -- means test (service.intake.means_test) ---------------------------------------------------------
class _ExplainedSchema(Schema):
    explanation = fields.String()


class StandardsNoteSchema(_ExplainedSchema):
    effective_from = fields.String()
    is_default = fields.Boolean()
    basis = maybe()
    changed_during_procedure = fields.Boolean()


class MeansTestMemberSchema(Schema):
    key = fields.Integer(metadata={"description": "the household member's id"})
    name = fields.String()
    counted = fields.Boolean()
    excluded_reason = maybe()
    excluded_label = maybe()


class IncomeLineSchema(_ExplainedSchema):
    member = maybe(fields.Integer)
    member_name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    entered = fields.String()
    period = fields.String()
    counted = fields.String(metadata={"description": "元/月 counted, two decimals"})
    exempt = fields.Boolean()


class AssetCheckSchema(_ExplainedSchema):
    kind = fields.String()
    label = fields.String()
    passed = fields.Boolean()


class BenefitSchema(_ExplainedSchema):
    amount = fields.Integer(metadata={"description": "元/月, whole yuan"})
    computed = fields.Integer()
    floor_applied = fields.Boolean()


class SinglePersonSchema(_ExplainedSchema):
    member = fields.Integer()
    name = fields.String()
    own_income = fields.String()
    amount = fields.Integer()


class TekunPersonSchema(_ExplainedSchema):
    member = fields.Integer()
    name = fields.String()
    care_level = maybe()
    monthly = fields.Integer()


class TekunSchema(_ExplainedSchema):
    basic_monthly = fields.String()
    people = fields.List(fields.Nested(TekunPersonSchema))


class TemporaryReliefSchema(_ExplainedSchema):
    severity = fields.String()
    multiple = fields.String()
    amount = fields.Integer()


class MeansTestSummarySchema(Schema):
    """What the means test and the approval form's computation both report."""
    standard = fields.String()
    counted_members = fields.Integer()
    total_income = fields.String()
    per_capita_income = fields.String()
    eligible = fields.Boolean()
    reasons = fields.List(fields.String())
    edge_household = fields.Boolean()
    warnings = fields.List(fields.String())
    household_version = fields.Integer()
    investigation_version = fields.Integer()


class MeansTestAnswerSchema(MeansTestSummarySchema):
    case_no = fields.String()
    intake = fields.String()
    investigation_id = fields.Integer()
    on = fields.String(metadata={"description": "the decision date"})
    area = fields.String()
    area_label = fields.String()
    standards = fields.Nested(StandardsNoteSchema)
    members = fields.List(fields.Nested(MeansTestMemberSchema))
    incomes = fields.List(fields.Nested(IncomeLineSchema))
    assets = fields.List(fields.Nested(AssetCheckSchema))
    assets_pass = fields.Boolean()
    benefit = fields.Nested(BenefitSchema, allow_none=True, metadata={"description": "null: not eligible"})
    edge_limit = fields.String()
    single_person = fields.List(fields.Nested(SinglePersonSchema))
    tekun = fields.Nested(TekunSchema, allow_none=True)
    temporary_relief = fields.Nested(TemporaryReliefSchema, allow_none=True)
    taper = maybe()
    rounding = fields.String()


# -- county standards (service.intake.standards.to_dict) --------------------------------------------
def _described(name: str, field_class=fields.String, **kw):
    return field_class(metadata={"description": st.FIELDS[name].label}, **kw)


class StandardsValuesSchema(Schema):
    effective_from = fields.String()
    rural_monthly = _described("rural_monthly")
    urban_monthly = _described("urban_monthly", allow_none=True)
    employment_deduction = _described("employment_deduction")
    exempt_kinds = _described("exempt_kinds", fields.List, cls_or_instance=fields.String())
    deposit_months = _described("deposit_months", fields.Integer, allow_none=True)
    car_value_limit = _described("car_value_limit", allow_none=True)
    max_homes = _described("max_homes", fields.Integer)
    commercial_property_allowed = _described("commercial_property_allowed", fields.Boolean)
    floor_per_person = _described("floor_per_person", allow_none=True)
    edge_multiple = _described("edge_multiple")
    taper_months = _described("taper_months", fields.Integer)
    tekun_multiple = _described("tekun_multiple")
    tekun_yearly = _described("tekun_yearly", allow_none=True)
    care_yearly = fields.Dict(keys=fields.String(), values=fields.String(),
                              metadata={"description": "特困照料护理标准（元/年），按自理能力"})
    relief_multiples = fields.Dict(keys=fields.String(), values=fields.String(),
                                   metadata={"description": "临时救助倍数（×月低保标准），按困难程度"})
    basis = _described("basis", allow_none=True)
    is_default = fields.Boolean(metadata={"description": "the packaged defaults: no county version in force"})
    unset = fields.List(fields.String(), metadata={"description": "what the county has not set yet"})


class StandardsVersionAnswerSchema(StandardsValuesSchema):
    id = fields.Integer()
    in_force = fields.Boolean(metadata={"description": "the version in force today"})
    future = fields.Boolean()
    created_by = maybe()
    created_at = fields.String()
    updated_by = maybe()
    updated_at = maybe()


class StandardsListAnswerSchema(Schema):
    items = fields.List(fields.Nested(StandardsVersionAnswerSchema), metadata={"description": "newest first"})
    in_force = fields.Nested(StandardsValuesSchema)
    defaults = fields.Nested(StandardsValuesSchema)
    today = fields.String()


class StandardsOnAnswerSchema(StandardsValuesSchema):
    on = fields.String()
