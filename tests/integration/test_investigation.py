"""The investigation record through its use cases (SQLite and PostgreSQL): who visited, what was found."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from service.errors import Conflict, InvalidInput, NotFound, StaleVersion
from service.extensions import db
from service.intake import household_services as hh
from service.intake import investigation_services as inv
from service.intake import services
from tests.integration.casework_helpers import TODAY, accepted, counts, findings, record, save


def test_recording_an_investigation(county):
    case_no = accepted(county)
    household = save(county, case_no)
    result = record(county, case_no, household, neighbour_notes="邻居说老李常年卧床",
                    assets=[{"kind": "vehicle", "value": Decimal(3000), "purpose": "disability",
                             "member_id": household["members"][1]["id"]}])
    assert result["visited_on"] == "2026-11-23" and [v["name"] for v in result["visitors"]] == ["王芳", "陈刚"]
    assert result["incomes"][0]["member_name"] == "张秀英" and result["incomes"][0]["amount"] == "1000.00"
    assert result["incomes"][1]["kind_label"] == "残疾人两项补贴"
    assert result["assets"][0]["purpose_label"] == "残疾人功能性补偿代步车" and result["recorded_by"] == "王芳"
    listed = inv.list_investigations(county["actors"]["county"], case_no)["items"]
    assert [i["id"] for i in listed] == [result["id"]]


@pytest.mark.parametrize(("overrides", "fields"), [
    ({"visitor_ids": []}, {"visitor_ids": ["入户调查须有至少两名工作人员，请选择两名不同的走访人员"]}),
    ({"visitor_ids": "same"}, {"visitor_ids": ["入户调查须有至少两名工作人员，请选择两名不同的走访人员"]}),
    ({"visitor_ids": "linhuan"}, {"visitor_ids": ["走访人员须为本乡镇民政窗口或县民政局的在岗工作人员"]}),
    ({"visitor_ids": "hotline"}, {"visitor_ids": ["走访人员须为本乡镇民政窗口或县民政局的在岗工作人员"]}),
    ({"visitor_ids": "ghost"}, {"visitor_ids": ["走访人员须为本乡镇民政窗口或县民政局的在岗工作人员"]}),
    ({"visited_on": TODAY + dt.timedelta(days=1), "applicant_signed": False}, {"visited_on": ["走访日期不能晚于今天"]}),
    ({"signed_on": TODAY - dt.timedelta(days=1)}, {"signed_on": ["签字日期应在走访日期和今天之间"]}),
    ({"visited_on": TODAY - dt.timedelta(days=1)}, {"visited_on": ["走访日期不能早于受理日期（2026-11-23）"]}),
    ({"signed_on": None}, {"signed_on": ["已签字时请填写签字日期"]}),
    ({"incomes": [{"kind": "wages", "amount": Decimal(100), "costs": Decimal(10)}]},
     {"incomes": {0: {"costs": ["只有经营、种植养殖和财产收入可以填成本"]}}}),
    ({"incomes": [{"kind": "wages", "amount": Decimal(100), "member_id": 999999}]},
     {"incomes": {0: {"member_id": ["该成员不在本申请的家庭成员中，请先保存家庭成员"]}}}),
    ({"assets": [{"kind": "home", "purpose": "private"}]}, {"assets": {0: {"purpose": ["只有机动车需要填写用途"]}}}),
    ({"photo_ids": [424242]}, {"photo_ids": ["照片不属于本申请，请从本案的材料中选择"]}),
])
def test_investigation_problems_are_named_and_nothing_is_written(county, overrides, fields):
    case_no = accepted(county)
    household = save(county, case_no)
    actors = county["actors"]
    named = {"same": [actors["suntuan"].id, actors["suntuan"].id], "linhuan": [actors["suntuan"].id, actors["linhuan"].id],
             "hotline": [actors["suntuan"].id, actors["hotline"].id], "ghost": [actors["suntuan"].id, 99999]}
    if isinstance(overrides.get("visitor_ids"), str):
        overrides = {**overrides, "visitor_ids": named[overrides["visitor_ids"]]}
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        record(county, case_no, household, **overrides)
    assert caught.value.fields == fields
    assert counts() == before


def test_another_cases_member_and_photo_are_refused(county):
    from service.intake.models import Attachment

    first, second = accepted(county), accepted(county, name="王桂兰", id_number=None, phone="13900001111")
    stranger = save(county, first)["members"][1]["id"]
    household = save(county, second, [{"relation": "self", "name": "王桂兰"}])
    photo = Attachment(application_id=db.session.scalar(text(
        "SELECT id FROM applications WHERE case_no = :c"), {"c": first}), kind="image", media_id="m1")
    db.session.add(photo)
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        record(county, second, household, photo_ids=[photo.id],
               incomes=[{"member_id": stranger, "kind": "pension", "amount": Decimal(500)}])
    assert set(caught.value.fields) == {"photo_ids", "incomes"}
    mine = hh.get_household(county["actors"]["suntuan"], first)
    assert record(county, first, mine, photo_ids=[photo.id])["photo_ids"] == [photo.id]


def test_no_investigation_before_acceptance_or_after_the_case_closed(county):
    case_no = accepted(county, accept=False)
    household = save(county, case_no)
    with pytest.raises(Conflict) as caught:
        record(county, case_no, household)
    assert caught.value.code == "not_accepted" and caught.value.message == "申请尚未受理，受理后再登记入户调查"
    detail = services.detail(county["actors"]["suntuan"], case_no)
    services.act(county["actors"]["suntuan"], case_no, "accept", {}, detail["version"], today=TODAY)
    recorded = record(county, case_no, household)
    services.act(county["actors"]["suntuan"], case_no, "reject", {"reason": "人均收入高于本县低保标准"},
                 detail["version"] + 1, today=TODAY)
    with pytest.raises(Conflict) as caught:
        record(county, case_no, household)
    assert caught.value.code == "case_closed"
    with pytest.raises(Conflict):
        inv.update_investigation(county["actors"]["suntuan"], case_no, recorded["id"], findings(county, household),
                                 recorded["version"], today=TODAY)
    assert len(inv.list_investigations(county["actors"]["suntuan"], case_no)["items"]) == 1


def test_only_the_newest_record_is_corrected_and_with_its_version(county):
    case_no = accepted(county)
    household = save(county, case_no)
    first = record(county, case_no, household)
    second = record(county, case_no, household, living_conditions="复查：情况属实")
    clerk = county["actors"]["suntuan"]
    with pytest.raises(Conflict) as caught:
        inv.update_investigation(clerk, case_no, first["id"], findings(county, household), first["version"], today=TODAY)
    assert caught.value.code == "investigation_superseded"
    with pytest.raises(StaleVersion):
        inv.update_investigation(clerk, case_no, second["id"], findings(county, household), 5, today=TODAY)
    fixed = inv.update_investigation(clerk, case_no, second["id"], findings(county, household, incomes=[]),
                                     second["version"], today=TODAY)
    assert fixed["version"] == second["version"] + 1 and fixed["incomes"] == []
    with pytest.raises(NotFound):
        inv.update_investigation(clerk, case_no, 424242, findings(county, household), 1, today=TODAY)
    with pytest.raises(NotFound):
        inv.list_investigations(county["actors"]["linhuan"], case_no)

