"""Thin edges of the casework API: an application's household, its investigation records, its means
test, its materials checklist and its approval form. Parse, call one use case, return its dict."""

from flask import request
from flask_smorest import Blueprint

from service.auth.guard import require_staff
from service.intake import (
    approval_services,
    household_services,
    investigation_services,
    materials_services,
    means_test_services,
)
from service.intake.casework_access import CASEWORKERS
from service.intake.casework_answers import (
    HouseholdAnswerSchema,
    InvestigationAnswerSchema,
    InvestigationListAnswerSchema,
    MeansTestAnswerSchema,
    MemberRevealAnswerSchema,
)
from service.intake.casework_schemas import (
    HouseholdSchema,
    InvestigationSchema,
    InvestigationUpdateSchema,
    MeansTestArgsSchema,
)
from service.intake.decision_schemas import (
    ApprovalFormAnswerSchema,
    MaterialListAnswerSchema,
    MaterialMarkSchema,
)

blp = Blueprint("casework", __name__, url_prefix="/api/v1/applications",
                description="家庭成员、入户调查与低保核算（乡镇窗口、县民政局）")
ID = "int(max=2147483647)"  # beyond int4 is a 404, never a database error


@blp.route("/<case_no>/household")
@require_staff(*CASEWORKERS)
@blp.response(200, HouseholdAnswerSchema)
def get_household(case_no, actor):
    """家庭成员（身份证号脱敏）；尚未登记时以申请人为「本人」的草稿"""
    return household_services.get_household(actor, case_no)


@blp.route("/<case_no>/household", methods=["PUT"])
@require_staff(*CASEWORKERS)
@blp.arguments(HouseholdSchema)
@blp.response(200, HouseholdAnswerSchema)
def save_household(body, case_no, actor):
    """保存全部家庭成员（带读取时的 version，过期则 409）"""
    version = body.pop("version")
    return household_services.save_household(actor, case_no, body, version)


@blp.route(f"/<case_no>/household/members/<{ID}:member_id>/reveal-id", methods=["POST"])
@require_staff(*CASEWORKERS)
@blp.response(200, MemberRevealAnswerSchema)
def reveal_member_id(case_no, member_id, actor):
    """查看家庭成员完整身份证号（记入审计日志）"""
    return household_services.reveal_member_id_number(actor, case_no, member_id, request.remote_addr)


@blp.route("/<case_no>/investigations")
@require_staff(*CASEWORKERS)
@blp.response(200, InvestigationListAnswerSchema)
def list_investigations(case_no, actor):
    """入户调查记录，最近的在前（第一条为现行记录）"""
    return investigation_services.list_investigations(actor, case_no)


@blp.route("/<case_no>/investigations", methods=["POST"])
@require_staff(*CASEWORKERS)
@blp.arguments(InvestigationSchema)
@blp.response(201, InvestigationAnswerSchema)
def record_investigation(body, case_no, actor):
    """登记一次入户调查（至少两名工作人员；收入按成员、按月、按类别）"""
    return investigation_services.record_investigation(actor, case_no, body)


@blp.route(f"/<case_no>/investigations/<{ID}:investigation_id>", methods=["PUT"])
@require_staff(*CASEWORKERS)
@blp.arguments(InvestigationUpdateSchema)
@blp.response(200, InvestigationAnswerSchema)
def update_investigation(body, case_no, investigation_id, actor):
    """修改最近一次调查记录（带 version）"""
    version = body.pop("version")
    return investigation_services.update_investigation(actor, case_no, investigation_id, body, version)


@blp.route("/<case_no>/means-test")
@require_staff(*CASEWORKERS)
@blp.arguments(MeansTestArgsSchema, location="query")
@blp.response(200, MeansTestAnswerSchema)
def means_test(args, case_no, actor):
    """低保核算：人均收入、财产核查、是否符合及全部理由、补差金额、单人保/特困/临时救助提示（只读）"""
    return means_test_services.means_test_for(actor, case_no, on=args.get("on"))


@blp.route("/<case_no>/materials")
@require_staff(*CASEWORKERS)
@blp.response(200, MaterialListAnswerSchema)
def list_materials(case_no, actor):
    """材料清单：每项的状态（已收到、免于提交及理由、已通过平台查询及平台）和仍缺的必需材料"""
    return materials_services.list_materials(actor, case_no)


@blp.route(f"/<case_no>/materials/<{ID}:material_id>", methods=["PUT"])
@require_staff(*CASEWORKERS)
@blp.arguments(MaterialMarkSchema)
@blp.response(200, MaterialListAnswerSchema)
def mark_material(body, case_no, material_id, actor):
    """标记一项材料：已收到、免于提交（须理由）、已通过平台查询（须写明平台）或撤销（记入办理记录和审计日志）"""
    return materials_services.mark_material(actor, case_no, material_id, body, remote_addr=request.remote_addr)


@blp.route("/<case_no>/approval-form")
@require_staff(*CASEWORKERS)
@blp.arguments(MeansTestArgsSchema, location="query")
@blp.response(200, ApprovalFormAnswerSchema)
def approval_form(args, case_no, actor):
    """批准表：核算过程、建议金额（含单人户施保等可选金额）和尚缺的必需材料（只读）"""
    return approval_services.approval_form(actor, case_no, today=args.get("on"))
