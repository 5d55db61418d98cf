"""Materials marked by the clerk and the county's approval (SQLite and PostgreSQL): 补正 asks only for
what is owed, approving without a required item needs a confirmation, and an amount other than the
means test's proposal needs a reason — each kept in the history."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from service.auth.models import AuditRecord
from service.errors import InvalidInput, NotFound
from service.extensions import db
from service.intake import approval_services, materials_services, services
from service.intake.models import Application
from tests.integration.casework_helpers import TODAY, accepted, record, save

LATER = TODAY + dt.timedelta(days=10)  # past a full 7-day 公示


def _items(county, case_no, actor="suntuan"):
    return {m["name"]: m for m in materials_services.list_materials(county["actors"][actor], case_no)["items"]}


def _mark(county, case_no, name, actor="suntuan", **body):
    return materials_services.mark_material(county["actors"][actor], case_no, _items(county, case_no)[name]["id"], body)


def _to_county(county, case_no, *, computed=True):
    if computed:
        record(county, case_no, save(county, case_no))
    for action, day in (("start_investigation", TODAY), ("start_public_notice", TODAY), ("close_public_notice", LATER), ("submit_to_county", LATER)):
        services.act(county["actors"]["suntuan"], case_no, action, {}, None, today=day)


def _approve(county, case_no, **params):
    return services.act(county["actors"]["county"], case_no, "approve", {"first_month": "2027-01", **params}, None,
                        today=LATER)


def _settle_all(county, case_no):
    for name in _items(county, case_no):
        _mark(county, case_no, name, status="received")


def test_marks_need_a_reason_or_a_platform_and_are_kept_in_history_and_audit(county):
    case_no = accepted(county)
    with pytest.raises(InvalidInput) as caught:
        _mark(county, case_no, "户口簿", status="waived", reason=" ")
    assert "理由" in caught.value.fields["reason"][0]
    with pytest.raises(InvalidInput) as caught:
        _mark(county, case_no, "户口簿", status="looked_up")
    assert "平台" in caught.value.fields["platform"][0]
    _mark(county, case_no, "户口簿", status="looked_up", platform="公安人口信息（户籍、身份证）")
    _mark(county, case_no, "家庭收入和财产申报承诺书", status="waived", reason="申请人重病住院，由村委会代为申报")
    listed = _mark(county, case_no, "救助申请书", status="received")
    items = {m["name"]: m for m in listed["items"]}
    assert items["户口簿"]["status_label"] == "已通过平台查询" and items["户口簿"]["platform"].startswith("公安")
    assert items["家庭收入和财产申报承诺书"]["waived_reason"] == "申请人重病住院，由村委会代为申报"
    assert listed["missing"] == ["全体家庭成员身份证", "家庭经济状况核对授权书"]
    detail = services.detail(county["actors"]["suntuan"], case_no)
    notes = [h["note"] for h in detail["history"] if h["action"] == "material_marked"]
    assert notes == ["户口簿：已通过平台查询（公安人口信息（户籍、身份证））",
                     "家庭收入和财产申报承诺书：免于提交（理由：申请人重病住院，由村委会代为申报）", "救助申请书：已收到"]
    audited = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "mark_material")).all()
    assert [(a.outcome, a.details["after"]) for a in audited] == [
        ("granted", "looked_up"), ("granted", "waived"), ("granted", "received")]
    assert detail["missing_materials"] == listed["missing"]


def test_another_townships_clerk_cannot_mark_a_material(county):
    case_no = accepted(county)
    item = _items(county, case_no)["户口簿"]
    with pytest.raises(NotFound):
        materials_services.mark_material(county["actors"]["linhuan"], case_no, item["id"], {"status": "received"})
    assert _items(county, case_no)["户口簿"]["status"] == "pending"


def test_request_for_materials_never_asks_for_a_settled_item(county):
    case_no = accepted(county)
    _mark(county, case_no, "户口簿", status="looked_up", platform="公安人口信息（户籍、身份证）")
    with pytest.raises(InvalidInput) as caught:
        services.act(county["actors"]["suntuan"], case_no, "request_materials",
                     {"missing": ["户口簿", "家庭经济状况核对授权书"]}, None, today=TODAY)
    assert "户口簿（已通过平台查询）" in caught.value.fields["missing"][0]
    detail = services.act(county["actors"]["suntuan"], case_no, "request_materials",
                          {"missing": ["家庭经济状况核对授权书"]}, None, today=TODAY)
    assert "还需要您补交以下1项材料：家庭经济状况核对授权书。" in detail["applicant_message"]
    # undoing a mark while materials are owed puts the item back among those owed
    _mark(county, case_no, "户口簿", status="pending")
    assert _items(county, case_no)["户口簿"]["status"] == "requested"


def test_approving_with_a_required_item_missing_needs_confirmation_and_is_recorded(county):
    case_no = accepted(county)
    _to_county(county, case_no)
    for name in ("救助申请书", "全体家庭成员身份证", "户口簿"):
        _mark(county, case_no, name, status="received")
    with pytest.raises(InvalidInput) as caught:
        _approve(county, case_no, amount="517")
    assert caught.value.code == "materials_missing"
    assert "家庭经济状况核对授权书、家庭收入和财产申报承诺书" in caught.value.fields["confirm_missing"][0]
    assert db.session.scalars(select(Application.status).where(Application.case_no == case_no)).one() == "county_review"
    done = _approve(county, case_no, amount="517", confirm_missing=True)
    assert done["status"] == "approved"
    assert done["history"][-1]["data"]["missing_confirmed"] == ["家庭经济状况核对授权书", "家庭收入和财产申报承诺书"]


def test_the_proposed_amount_needs_no_reason_and_an_override_does(county):
    case_no = accepted(county)
    _to_county(county, case_no)
    _settle_all(county, case_no)
    form = approval_services.approval_form(county["actors"]["county"], case_no, today=LATER)
    assert form["proposal"]["amount"] == 517 and form["proposal"]["basis"] == "household"
    assert form["computation"]["per_capita_income"] == "266.67" and form["computation"]["standard"] == "439"
    assert form["missing_materials"] == []
    with pytest.raises(InvalidInput) as caught:
        _approve(county, case_no, amount="600", amount_reason="改")
    assert caught.value.code == "amount_reason_required"
    assert "核算建议金额为 517 元；改为 600 元须写明理由" in caught.value.fields["amount_reason"][0]
    done = _approve(county, case_no, amount="600", amount_reason="入户复核发现子女学费支出，县局研究决定")
    data = done["history"][-1]["data"]
    assert data["proposed_amount"] == 517 and data["amount_basis"] == "override"
    assert data["amount_reason"] == "入户复核发现子女学费支出，县局研究决定"
    assert done["approved_amount"] == "600.00"


def test_approving_the_computed_amount_records_its_basis(county):
    case_no = accepted(county)
    _to_county(county, case_no)
    _settle_all(county, case_no)
    data = _approve(county, case_no, amount=Decimal("517"))["history"][-1]["data"]
    assert data["proposed_amount"] == 517 and data["amount_basis"] == "household" and "amount_reason" not in data


def test_without_a_computation_the_amount_is_recorded_as_entered_by_hand(county):
    case_no = accepted(county, intake="temporary_relief", description="老伴突发脑溢血住院，押金交不起")
    clerk = county["actors"]["suntuan"]
    services.act(clerk, case_no, "start_investigation", {}, None, today=TODAY)
    form = approval_services.approval_form(clerk, case_no, today=TODAY)
    assert form["proposal"] is None and "请先登记家庭成员" in form["not_computed"]
    done = services.act(clerk, case_no, "approve", {"amount": "300", "confirm_missing": True}, None, today=TODAY)
    data = done["history"][-1]["data"]
    assert data["amount_basis"] == "manual" and data["proposed_amount"] is None
