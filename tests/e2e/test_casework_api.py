"""The casework API over HTTP: household, investigation, means test and county standards; their refusals
in the one error shape, hostile bodies never a 500 nor a change, and the audit rows they leave."""

import json

import pytest
from sqlalchemy import func, select

from service.auth.models import AuditRecord
from service.extensions import db
from service.intake.household import Household, HouseholdMember
from service.intake.investigation import IncomeItem, Investigation
from service.intake.standards_store import CountyStandardVersion
from tests.conftest import login
from tests.e2e.test_api import CALL, error_of
from tests.integration.casework_helpers import CHILD_ID, SPOUSE_ID

B = "/api/v1/applications"


@pytest.fixture
def case_no(client, county):
    """A 低保 call taken by the hotline and accepted by the 孙疃镇 window; the client ends logged in as the clerk."""
    login(client, "hotline")
    detail = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["秦口村"]}).get_json()
    login(client, "suntuan")
    accepted = client.post(f"{B}/{detail['case_no']}/actions/accept", json={"version": detail["version"]})
    assert accepted.status_code == 200, accepted.get_json()
    return detail["case_no"]


MEMBERS = [{"relation": "self", "name": "张秀英"},
           {"relation": "spouse", "name": "李建国", "id_number": SPOUSE_ID, "disability_grade_1_2": True},
           {"relation": "child", "name": "李小军", "id_number": CHILD_ID, "in_school": True}]


def put_household(client, case_no, members=MEMBERS, version=None):
    return client.put(f"{B}/{case_no}/household", json={"version": version, "area": "rural", "members": members})


def post_investigation(client, case_no, county, household, **overrides):
    ids = [m["id"] for m in household["members"]]
    body = {"visited_on": _today(), "visitor_ids": [county["actors"]["suntuan"].id, county["actors"]["county"].id],
            "living_conditions": "三间砖瓦房", "applicant_signed": True, "signed_on": _today(),
            "incomes": [{"member_id": ids[0], "kind": "wages", "amount": 1000},  # a JSON number
                        {"member_id": ids[1], "kind": "disability_subsidy", "amount": "100.00"}],  # a string
            **overrides}
    return client.post(f"{B}/{case_no}/investigations", json=body)


def _today() -> str:
    from service.clock import today

    return today().isoformat()


def test_a_clerk_records_the_household_and_the_visit_and_reads_the_means_test(client, county, case_no):
    draft = client.get(f"{B}/{case_no}/household").get_json()
    assert draft["exists"] is False and draft["members"][0]["name"] == "张秀英"
    saved = put_household(client, case_no)
    assert saved.status_code == 200, saved.get_json()
    household = saved.get_json()
    assert household["version"] == 1 and household["members"][1]["id_number"] == "440***********0014"
    assert SPOUSE_ID not in saved.get_data(as_text=True) and CHILD_ID not in saved.get_data(as_text=True)
    recorded = post_investigation(client, case_no, county, household)
    assert recorded.status_code == 201, recorded.get_json()
    assert [i["amount"] for i in recorded.get_json()["incomes"]] == ["1000.00", "100.00"]
    result = client.get(f"{B}/{case_no}/means-test").get_json()
    assert result["benefit"]["amount"] == 517 and result["eligible"] is True
    assert "人均月收入 266.67 元，低于标准 439 元" in result["reasons"][1]
    login(client, "county")  # the county reviewer reads the same computation
    assert client.get(f"{B}/{case_no}/means-test").get_json()["benefit"]["amount"] == 517


def test_stale_versions_are_409_in_the_error_shape(client, county, case_no):
    household = put_household(client, case_no).get_json()
    err = error_of(put_household(client, case_no, version=None), 409)
    assert err["code"] == "stale_version" and "刷新" in err["message"]
    inv = post_investigation(client, case_no, county, household).get_json()
    body = {"visited_on": _today(), "visitor_ids": inv["visitors"] and [v["id"] for v in inv["visitors"]],
            "living_conditions": "改", "version": inv["version"] + 1}
    assert error_of(client.put(f"{B}/{case_no}/investigations/{inv['id']}", json=body), 409)["code"] == \
        "stale_version"
    body["version"] = inv["version"]
    assert client.put(f"{B}/{case_no}/investigations/{inv['id']}", json=body).get_json()["living_conditions"] == "改"


def test_another_townships_case_answers_like_a_missing_one(client, county, case_no):
    put_household(client, case_no)
    login(client, "linhuan")
    for method, path in [("get", "household"), ("put", "household"), ("get", "investigations"),
                         ("post", "investigations"), ("get", "means-test"),
                         ("post", "household/members/1/reveal-id"), ("put", "investigations/1")]:
        theirs = client.open(f"{B}/{case_no}/{path}", method=method.upper(), json={})
        missing = client.open(f"{B}/26000000000/{path}", method=method.upper(), json={})
        if theirs.status_code == 422:  # the body is checked before the case is looked up: the same for both
            assert missing.status_code == 422 and theirs.get_json()["error"] == missing.get_json()["error"]
            continue
        assert error_of(theirs, 404) == error_of(missing, 404), path


@pytest.mark.parametrize(("username", "status"), [("hotline", 403), ("audit", 403), ("admin", 403)])
def test_roles_without_casework_are_refused(client, county, case_no, username, status):
    login(client, username)
    assert error_of(client.get(f"{B}/{case_no}/household"), status)
    assert error_of(client.get(f"{B}/{case_no}/means-test"), status)


def test_without_logging_in_nothing_is_shown(app, county, case_no):
    anonymous = app.test_client()
    assert error_of(anonymous.get(f"{B}/{case_no}/household"), 401)["message"] == "请先登录"
    assert error_of(anonymous.get("/api/v1/county/standards"), 401)


def test_member_reveal_through_the_api_is_audited_with_the_callers_address(client, county, case_no):
    spouse = put_household(client, case_no).get_json()["members"][1]
    shown = client.post(f"{B}/{case_no}/household/members/{spouse['id']}/reveal-id",
                        environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert shown.get_json()["id_number"] == SPOUSE_ID
    assert error_of(client.post(f"{B}/{case_no}/household/members/99999999999999/reveal-id"), 404)
    db.session.expire_all()
    [row] = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "reveal_member_id_number")).all()
    assert (row.target_id, row.outcome, row.remote_addr) == (f"{case_no}:{spouse['id']}", "granted", "192.0.2.8")


@pytest.mark.parametrize(("body", "fields"), [
    ({"version": None, "members": []}, {"members": ["长度应在 1 到 30 之间"]}),
    ({"version": None, "members": [{"relation": "self", "name": "x"}] * 31}, {"members": ["长度应在 1 到 30 之间"]}),
    ({"version": None, "members": "张秀英"}, {"members": ["应为列表"]}),
    ({"members": [{"relation": "self", "name": "x"}]}, {"version": ["此项必填"]}),
    ({"version": 2**40, "members": [{"relation": "self", "name": "x"}]}, {"version": ["应在 1 到 2147483647 之间"]}),
    ({"version": None, "members": [{"relation": "boss", "name": "x"}]},
     {"members": {"0": {"relation": ["只能是以下之一：self, spouse, child, parent, grandparent, grandchild, sibling, "
                                     "child_in_law, other"]}}}),
    ({"version": None, "members": [{"relation": "self", "name": "x" * 41}]},
     {"members": {"0": {"name": ["长度应在 1 到 40 之间"]}}}),
    ({"version": None, "members": [{"relation": "self", "name": "x", "in_school": "maybe"}]},
     {"members": {"0": {"in_school": ["应为是或否（true/false）"]}}}),
    ({"version": None, "members": [{"relation": "self", "name": "x", "id": 2**40}]},
     {"members": {"0": {"id": ["应在 1 到 2147483647 之间"]}}}),
    ({"version": None, "members": [{"relation": "self", "name": "x", "salary": 1}]},
     {"members": {"0": {"salary": ["不支持的字段"]}}}),
    ({"version": None, "members": [{"relation": "self", "name": "x", "id_number": "1" * 25}]},
     {"members": {"0": {"id_number": ["最多 24 个字"]}}}),
    ({"version": None, "area": "moon", "members": [{"relation": "self", "name": "x"}]},
     {"area": ["只能是以下之一：rural, urban"]}),
])
def test_hostile_household_bodies_get_422_with_chinese_field_messages(client, county, case_no, body, fields):
    err = error_of(client.put(f"{B}/{case_no}/household", json=body), 422)
    assert err["fields"] == fields
    assert db.session.scalar(select(func.count(Household.id))) == 0


@pytest.mark.parametrize(("income", "message"), [
    ({"amount": "NaN"}, "应为数字，如 439 或 439.50"),
    ({"amount": "Infinity"}, "应为数字，如 439 或 439.50"),
    ({"amount": -1}, "应在 0 到 10000000 之间"),
    ({"amount": 1e20}, "应在 0 到 10000000 之间"),
    ({"amount": "1e999999999"}, "应在 0 到 10000000 之间"),
    ({"amount": "12.345"}, "最多保留 2 位小数"),
    ({"amount": True}, "应为数字"),
    ({"amount": {"x": 1}}, "应为数字"),
    ({"amount": None}, "此项不能为空"),
])
def test_hostile_amounts_get_422_and_nothing_is_written(client, county, case_no, income, message):
    household = put_household(client, case_no).get_json()
    body = {"kind": "wages", "member_id": household["members"][0]["id"], **income}
    err = error_of(post_investigation(client, case_no, county, household, incomes=[body]), 422)
    assert err["fields"] == {"incomes": {"0": {"amount": [message]}}}
    assert db.session.scalar(select(func.count(Investigation.id))) == 0


@pytest.mark.parametrize(("overrides", "field"), [
    ({"visited_on": "2026-02-30"}, "visited_on"),
    ({"visited_on": None}, "visited_on"),
    ({"visitor_ids": [1, 2**40]}, "visitor_ids"),
    ({"visitor_ids": "1,2"}, "visitor_ids"),
    ({"living_conditions": "x" * 4001}, "living_conditions"),
    ({"living_conditions": ""}, "living_conditions"),
    ({"incomes": [{"kind": "wages", "amount": 1}] * 201}, "incomes"),
    ({"incomes": [{"kind": "lottery", "amount": 1}]}, "incomes"),
    ({"assets": [{"kind": "home", "count": 0}]}, "assets"),
    ({"assets": [{"kind": "vehicle", "value": "1e10"}]}, "assets"),
    ({"photo_ids": [0]}, "photo_ids"),
    ({"relief_severity": "apocalyptic"}, "relief_severity"),
])
def test_hostile_investigation_bodies_get_422(client, county, case_no, overrides, field):
    household = put_household(client, case_no).get_json()
    err = error_of(post_investigation(client, case_no, county, household, **overrides), 422)
    assert field in err["fields"] and all(isinstance(m, (str, dict, list)) for m in err["fields"].values())


def test_means_test_refusals_say_what_is_missing(client, county, case_no):
    err = error_of(client.get(f"{B}/{case_no}/means-test"), 409)
    assert err["code"] == "household_missing" and err["message"] == "请先登记家庭成员，再进行核算"
    assert error_of(client.get(f"{B}/{case_no}/means-test?on=2026-13-01"), 422)["fields"] == \
        {"on": ["日期格式应为 YYYY-MM-DD"]}


def test_the_standards_api_adds_reads_and_corrects_and_the_auditor_sees_before_and_after(client, county):
    login(client, "county")
    added = client.post("/api/v1/county/standards", json={"effective_from": "2022-01-01", "rural_monthly": 439,
                                                          "urban_monthly": "690.5", "care_yearly": {"able": 360}})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["care_yearly"] == {"able": "360", "partial": "2500", "unable": "5000"}
    assert error_of(client.post("/api/v1/county/standards", json={"effective_from": "2022-01-01"}), 409)[
        "code"] == "standards_exist"
    fixed = client.put("/api/v1/county/standards/2022-01-01", json={"urban_monthly": "690"})
    assert fixed.status_code == 200 and fixed.get_json()["urban_monthly"] == "690"
    assert error_of(client.put("/api/v1/county/standards/2021-01-01", json={}), 404)
    assert error_of(client.put("/api/v1/county/standards/garbage", json={}), 422)["fields"] == \
        {"effective_from": ["日期格式应为 YYYY-MM-DD"]}
    listing = client.get("/api/v1/county/standards").get_json()
    assert [i["urban_monthly"] for i in listing["items"]] == ["690"] and listing["in_force"]["urban_monthly"] == "690"
    assert client.get("/api/v1/county/standards/in-force?on=2021-12-31").get_json()["is_default"] is True
    login(client, "audit")
    rows = client.get("/api/v1/audit?event=correct_standards").get_json()["items"]
    assert rows[0]["event_label"] == "更正救助标准版本" and rows[0]["username"] == "county"
    assert (rows[0]["details"]["before"]["urban_monthly"], rows[0]["details"]["after"]["urban_monthly"]) == \
        ("690.5", "690")


@pytest.mark.parametrize(("body", "fields"), [
    ({"rural_monthly": 439}, {"effective_from": ["此项必填"]}),
    ({"effective_from": "2026-01-01", "rural_monthly": "NaN", "deposit_months": 1.5},
     {"rural_monthly": ["应为数字，如 439 或 439.50"], "deposit_months": ["应为整数"]}),
    ({"effective_from": "2026-01-01", "care_yearly": "300"}, {"care_yearly": ["应为包含 able、partial、unable 的对象"]}),
    ({"effective_from": "2026-01-01", "care_yearly": {"gold": 1}}, {"care_yearly.gold": ["不支持的字段"]}),
    ({"effective_from": "2026-01-01", "mystery": 1}, {"mystery": ["不支持的字段"]}),
    ({"effective_from": 20260101}, {"effective_from": ["日期格式应为 YYYY-MM-DD"]}),
])
def test_hostile_standards_bodies_get_422_and_nothing_is_written(client, county, body, fields):
    login(client, "admin")
    assert error_of(client.post("/api/v1/county/standards", json=body), 422)["fields"] == fields
    assert db.session.scalar(select(func.count(CountyStandardVersion.id))) == 0


def test_a_window_clerk_reads_standards_but_cannot_change_them(client, county):
    login(client, "suntuan")
    assert client.get("/api/v1/county/standards").status_code == 200
    err = error_of(client.post("/api/v1/county/standards", json={"effective_from": "2026-01-01"}), 403)
    assert err["message"] == "救助标准只有县民政局人员和系统管理员可以修改"


DEEP = json.dumps({"members": json.loads("[" * 300 + "]" * 300)})
JUNK = ["null", "[]", '"s"', "1e999", "{not json", DEEP, json.dumps({"version": None, "members": [None, 1, "x"]}),
        json.dumps({"visited_on": "\u0000", "visitor_ids": [True, False], "incomes": [[]], "assets": {}}),
        json.dumps({"effective_from": "\ud800", "rural_monthly": "\u0000"})]


@pytest.mark.parametrize("username", ["suntuan", "county"])
def test_no_casework_endpoint_answers_junk_with_a_500_or_a_change(client, county, case_no, username):
    household = put_household(client, case_no).get_json()
    inv = post_investigation(client, case_no, county, household).get_json()
    login(client, username)
    before = _snapshot()
    urls = [("PUT", f"{B}/{case_no}/household"), ("POST", f"{B}/{case_no}/investigations"),
            ("PUT", f"{B}/{case_no}/investigations/{inv['id']}"), ("POST", "/api/v1/county/standards"),
            ("PUT", "/api/v1/county/standards/2026-01-01"),
            ("GET", f"{B}/{case_no}/means-test?on=99999-01-01"), ("GET", f"{B}/{case_no}/means-test?on=%00")]
    for method, url in urls:
        for body in JUNK:
            response = client.open(url, method=method, data=body, content_type="application/json")
            assert 400 <= response.status_code < 500, (method, url, body[:40], response.status_code)
            assert response.get_json()["error"]["message"]
    assert _snapshot() == before


def _snapshot():
    db.session.expire_all()
    return [db.session.scalar(select(func.count()).select_from(m)) for m in
            (Household, HouseholdMember, Investigation, IncomeItem, CountyStandardVersion, AuditRecord)] + \
        [db.session.scalar(select(func.max(Household.version)))]
