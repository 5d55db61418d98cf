"""The case page's 家庭成员 and 入户调查 sections: a clerk enters the household and the visit on the page,
bad input comes back in Chinese beside its box (never a 500), another township's clerk gets a 404."""

import re

from sqlalchemy import select

from service.auth.models import AuditRecord
from service.extensions import db
from service.intake import household_services, investigation_services
from tests.e2e.web.conftest import as_user
from tests.integration.casework_helpers import CHILD_ID, SPOUSE_ID, accepted, save


def _member(i, relation, name, id_number="", **flags) -> dict:
    row = {f"m-{i}-relation": relation, f"m-{i}-name": name, f"m-{i}-id_number": id_number}
    return {**row, **{f"m-{i}-{k}": v for k, v in flags.items()}}


def _family_form(version="") -> dict:
    return {"version": version, "rows": "3", "area": "rural",
            **_member(0, "self", ""),  # 本人 left blank: the applicant, whose name the page keeps masked
            **_member(1, "spouse", "李建国", SPOUSE_ID, disability_grade_1_2="1"),
            **_member(2, "child", "李小军", CHILD_ID, in_school="1")}


def test_a_clerk_enters_edits_and_removes_members_on_the_case_page(app, county, browser):
    case_no = accepted(county)
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case_no}").text
    assert "尚未登记家庭成员（申请时自报 3 人）" in page and "张秀英" not in page  # the draft keeps the name masked
    url = f"/staff/applications/{case_no}/household"
    done = browser.post(url, _family_form())
    assert done.status_code == 302, done.text
    page = browser.get(done.location).text
    assert "共 3 人，计入 3 人（农村）" in page and "张秀英" not in page  # 本人 is the applicant: still masked
    assert "一、二级残疾" in page and "在校学生" in page and "60周岁以上" in page  # 本人 born 1949
    assert SPOUSE_ID not in page and "440***********0014" in page  # masked by default
    stored = household_services.get_household(county["actors"]["suntuan"], case_no)
    assert [m["name"] for m in stored["members"]] == ["张秀英", "李建国", "李小军"]

    # edit: the spouse moves out of the count (服刑), a fourth member is added, the child is removed
    ids = [str(m["id"]) for m in stored["members"]]
    form = {"version": str(stored["version"]), "rows": "5", "area": "rural",
            "m-0-id": ids[0], **_member(0, "self", "", stored["members"][0]["id_number"]),  # blank: kept
            "m-1-id": ids[1], **_member(1, "spouse", "李建国", stored["members"][1]["id_number"],
                                        excluded_reason="prison"),
            "m-2-id": ids[2], **_member(2, "child", "李小军", stored["members"][2]["id_number"], remove="1"),
            **_member(3, "parent", "张老汉", unable_to_work="1"), **_member(4, "", "")}
    done = browser.post(url, form)
    assert done.status_code == 302, done.text
    page = browser.get(done.location).text
    assert "共 3 人，计入 2 人（农村）" in page and "不计入：正在服刑" in page and "李小军" not in page
    after = household_services.get_household(county["actors"]["suntuan"], case_no)
    assert after["members"][1]["id_number"] == "440***********0014"  # the masked number sent back kept it
    assert [m["name"] for m in after["members"]] == ["张秀英", "李建国", "张老汉"]


def test_bad_household_input_comes_back_beside_its_box(app, county, browser):
    case_no = accepted(county)
    browser.login("suntuan")
    url = f"/staff/applications/{case_no}/household"
    wrong = {**_family_form(), "m-1-id_number": SPOUSE_ID[:-1] + "9", "m-2-excluded_reason": "other"}
    refused = browser.post(url, wrong)
    assert refused.status_code == 422
    assert re.search(r'id="m-1-id_number-error">[^<]*校验', refused.text)
    assert re.search(r'id="m-2-excluded_note-error">选择「其他不计入情形」时请写明原因<', refused.text)
    assert 'value="李建国"' in refused.text  # what was typed is kept
    two_selves = browser.post(url, {**_family_form(), "m-2-relation": "self"})
    assert two_selves.status_code == 422 and "家庭成员中须有且只有一位「本人」" in two_selves.text
    for hostile in ({"rows": "abc"}, {"rows": "99999999999", "m-0-id": "x"}, {"m-1-relation": "king"},
                    {"version": "-5"}, {"m-0-care_level": "<script>"}):
        answer = browser.post(url, {**_family_form(), **hostile})
        assert answer.status_code in (409, 422), (hostile, answer.status_code)
    assert household_services.get_household(county["actors"]["suntuan"], case_no)["exists"] is False


def test_a_member_id_number_is_revealed_once_and_audited(app, county, browser):
    case_no = accepted(county)
    member = save(county, case_no)["members"][1]
    browser.login("suntuan")
    page = browser.post(f"/staff/applications/{case_no}/household/members/{member['id']}/reveal-id").text
    assert SPOUSE_ID in page and "本次查看已记入审计日志" in page
    assert SPOUSE_ID not in browser.get(f"/staff/applications/{case_no}").text
    audited = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "reveal_member_id_number")).all()
    assert [(a.outcome, a.target_id) for a in audited] == [("granted", f"{case_no}:{member['id']}")]


def test_another_township_and_other_roles_get_nothing(app, county):
    case_no = accepted(county)
    member = save(county, case_no)["members"][1]
    other = as_user(app, "linhuan")
    assert other.post(f"/staff/applications/{case_no}/household", _family_form("1")).status_code == 404
    assert other.post(f"/staff/applications/{case_no}/household/members/{member['id']}/reveal-id").status_code == 404
    assert other.post(f"/staff/applications/{case_no}/investigations", {"visited_on": "2026-11-23"}).status_code == 404
    operator = as_user(app, "hotline")
    page = operator.get(f"/staff/applications/{case_no}")
    assert page.status_code == 200 and 'id="household-title"' not in page.text and "李建国" not in page.text
    assert operator.post(f"/staff/applications/{case_no}/household", _family_form("1")).status_code == 403


def _visit_form(county, members, **overrides) -> dict:
    return {"visited_on": "2026-11-23", "visitor_ids": [str(county["actors"]["suntuan"].id),
                                                        str(county["actors"]["county"].id)],
            "income_rows": "6", "asset_rows": "3", "living_conditions": "三间砖瓦房，屋内陈设简陋",
            "applicant_signed": "1", "signed_on": "2026-11-23",
            "inc-0-member_id": str(members[0]["id"]), "inc-0-kind": "wages", "inc-0-amount": "1000",
            "inc-0-period": "month",
            "inc-1-member_id": str(members[1]["id"]), "inc-1-kind": "disability_subsidy", "inc-1-amount": "100",
            "inc-1-period": "month", **overrides}


def test_a_clerk_records_the_investigation_on_the_case_page(app, county, browser, monkeypatch):
    import datetime as dt

    from tests.integration.casework_helpers import TODAY

    monkeypatch.setattr("service.intake.investigation_services.beijing_today", lambda: TODAY)
    case_no = accepted(county)
    members = save(county, case_no)["members"]
    browser.login("suntuan")
    page = browser.get(f"/staff/applications/{case_no}").text
    assert "尚无入户调查记录" in page and 'data-visitor="陈刚"' in page and 'data-visitor="王芳"' in page
    url = f"/staff/applications/{case_no}/investigations"
    done = browser.post(url, _visit_form(county, members))
    assert done.status_code == 302, done.text
    page = browser.get(done.location).text
    assert "2026-11-23 走访" in page and "王芳、陈刚" in page and "已签字（2026-11-23）" in page
    assert "张** · 工资性收入 · 每月 1000.00 元" in page and "李建国 · 残疾人两项补贴 · 每月 100.00 元" in page
    items = investigation_services.list_investigations(county["actors"]["suntuan"], case_no)["items"]
    assert len(items) == 1 and [i["amount"] for i in items[0]["incomes"]] == ["1000.00", "100.00"]
    assert TODAY == dt.date(2026, 11, 23)


def test_bad_investigation_input_comes_back_beside_its_box(app, county, browser, monkeypatch):
    from tests.integration.casework_helpers import TODAY

    monkeypatch.setattr("service.intake.investigation_services.beijing_today", lambda: TODAY)
    case_no = accepted(county)
    members = save(county, case_no)["members"]
    browser.login("suntuan")
    url = f"/staff/applications/{case_no}/investigations"
    alone = browser.post(url, _visit_form(county, members, visitor_ids=[str(county["actors"]["suntuan"].id)]))
    assert alone.status_code == 422 and re.search(r'id="visitor_ids-error">入户调查须有至少两名工作人员', alone.text)
    typed = browser.post(url, _visit_form(county, members, **{"inc-0-amount": "一千", "living_conditions": " ",
                                                                "inc-2-amount": "50"}))
    assert typed.status_code == 422
    assert re.search(r'id="inc-0-amount-error">应为数字', typed.text)
    assert re.search(r'id="inc-2-kind-error">请选择收入类别<', typed.text)
    assert re.search(r'id="living_conditions-error">请填写居住和生活状况<', typed.text)
    assert 'value="一千"' in typed.text  # what was typed is kept
    costs = browser.post(url, _visit_form(county, members, **{"inc-0-costs": "200"}))
    assert costs.status_code == 422 and re.search(r'id="inc-0-costs-error">只有经营', costs.text)
    for hostile in ({"visited_on": "23/11/2026"}, {"visitor_ids": ["x"]}, {"inc-0-member_id": "999999999999"},
                    {"ast-0-kind": "house"}, {"ast-0-kind": "vehicle", "ast-0-count": "99"},
                    {"inc-0-member_id": "2147483647"}, {"visited_on": "2099-01-01"}):
        answer = browser.post(url, _visit_form(county, members, **hostile))
        assert answer.status_code == 422, (hostile, answer.status_code)
    assert investigation_services.list_investigations(county["actors"]["suntuan"], case_no)["items"] == []


def test_a_member_named_in_the_investigation_or_a_stale_page_is_refused_in_words(app, county, browser):
    from tests.integration.casework_helpers import record

    case_no = accepted(county)
    household = save(county, case_no)
    record(county, case_no, household)  # the spouse's disability subsidy is on record
    browser.login("suntuan")
    m = household["members"]
    form = {"version": str(household["version"]), "rows": "3", "area": "rural",
            **{f"m-{i}-id": str(m[i]["id"]) for i in range(3)},
            **_member(0, "self", "张秀英", m[0]["id_number"]), **_member(1, "spouse", "李建国", remove="1"),
            **_member(2, "child", "李小军", m[2]["id_number"])}
    refused = browser.post(f"/staff/applications/{case_no}/household", form)
    assert refused.status_code == 409 and "李建国 在入户调查记录中登记了收入或财产，不能删除" in refused.text
    stale = browser.post(f"/staff/applications/{case_no}/household", {**form, "m-1-remove": "", "version": "99"})
    assert stale.status_code == 409 and "家庭成员刚被他人修改，请刷新后再保存" in stale.text
    assert len(household_services.get_household(county["actors"]["suntuan"], case_no)["members"]) == 3
