"""Every JSON answer carries every key and value its use case returned: @blp.response dumps the use case's
dict through the declared schema, and a key the schema lacks is silently dropped. Each use case is spied on
and its own dict (as JSON) compared with what the client received, nested dicts and null branches included."""

import json

import pytest

from service.auth import audit
from service.auth import services as auth_services
from service.clock import today
from service.county import staff
from service.extensions import db
from service.intake import (
    approval_services,
    followers,
    household_services,
    investigation_services,
    materials_services,
    means_test_services,
    opening,
    services,
    standards_services,
)
from service.intake.models import Application
from tests.conftest import login
from tests.e2e.test_api import CALL
from tests.integration.casework_helpers import CHILD_ID, SPOUSE_ID

B = "/api/v1/applications"


class Answers:
    """The last dict each spied use case returned, as the JSON it should become."""

    def __init__(self, app, monkeypatch):
        self.app, self.seen = app, {}
        for module, names in [
            (household_services, ["get_household", "save_household", "reveal_member_id_number"]),
            (investigation_services, ["list_investigations", "record_investigation", "update_investigation"]),
            (means_test_services, ["means_test_for"]),
            (materials_services, ["list_materials", "mark_material"]), (approval_services, ["approval_form"]),
            (standards_services, ["list_standards", "standards_in_force", "add_version", "correct_version"]),
            (opening, ["open_application"]),
            (services, ["detail", "act", "review_file_difference", "remove_follower"]),
            (auth_services, ["profile"]), (audit, ["list_audit"]),
        ]:
            for name in names:
                monkeypatch.setattr(module, name, self._spy(name, getattr(module, name)))

    def _spy(self, name, real):
        def spied(*args, **kwargs):
            result = real(*args, **kwargs)
            self.seen[name] = json.loads(self.app.json.dumps(result))
            return result
        return spied

    def same(self, response, name: str, status: int = 200) -> dict:
        assert response.status_code == status, response.get_json()
        body, expected = response.get_json(), self.seen.pop(name)
        assert body == expected, _difference(expected, body)
        return body


def _difference(expected, got, path="") -> str:
    """The first place the answer differs from the use case's dict, for a readable failure."""
    if isinstance(expected, dict) and isinstance(got, dict):
        dropped, added = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
        if dropped or added:
            return f"{path or '/'}: dropped {dropped}, added {added}"
        return next((_difference(expected[k], got[k], f"{path}/{k}") for k in expected if expected[k] != got[k]), "")
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        pairs = enumerate(zip(expected, got, strict=True))
        return next((_difference(e, g, f"{path}/{i}") for i, (e, g) in pairs if e != g), "")
    return f"{path}: {expected!r} became {got!r}"


@pytest.fixture
def answers(app, monkeypatch):
    return Answers(app, monkeypatch)


@pytest.fixture
def case_no(client, county):
    login(client, "hotline")
    detail = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["秦口村"]}).get_json()
    login(client, "suntuan")
    accepted = client.post(f"{B}/{detail['case_no']}/actions/accept", json={"version": detail["version"]})
    assert accepted.status_code == 200, accepted.get_json()
    return detail["case_no"]


MEMBERS = [
    {"relation": "self", "name": "张秀英", "unable_to_work": True, "care_level": "partial"},
    {"relation": "spouse", "name": "李建国", "id_number": SPOUSE_ID, "disability_grade_1_2": True},
    {"relation": "child", "name": "李小军", "id_number": CHILD_ID, "unable_to_work": True, "in_school": True},
    {"relation": "child", "name": "李大军", "excluded_reason": "prison", "excluded_note": "2024 年起服刑"},
]


def _visit(county, household, wages, **overrides) -> dict:
    ids = [m["id"] for m in household["members"]]
    return {"visited_on": today().isoformat(), "living_conditions": "三间砖瓦房", "neighbour_notes": "邻居说家里困难",
            "visitor_ids": [county["actors"]["suntuan"].id, county["actors"]["county"].id],
            "has_able_supporter": False, "relief_severity": "serious", "applicant_signed": True,
            "signed_on": today().isoformat(),
            "incomes": [{"member_id": ids[0], "kind": "wages", "amount": wages},
                        {"member_id": ids[1], "kind": "disability_subsidy", "amount": "100.00"},
                        {"member_id": ids[3], "kind": "wages", "amount": 300},
                        {"kind": "farming", "amount": "2400", "period": "year", "costs": "600", "note": "玉米"}],
            "assets": [{"kind": "deposit", "value": "3000"}, {"kind": "home"},
                       {"member_id": ids[1], "kind": "vehicle", "value": "8000", "purpose": "work_tool"}],
            **overrides}


def test_household_investigation_and_means_test_answers_are_the_use_cases_dicts(client, county, case_no, answers):
    draft = answers.same(client.get(f"{B}/{case_no}/household"), "get_household")
    assert draft["members"][0]["id"] is None and draft["version"] is None
    household = answers.same(client.put(f"{B}/{case_no}/household", json={
        "version": None, "area": "rural", "members": MEMBERS}), "save_household")
    assert household["members"][3]["excluded_label"] == "正在服刑" and household["updated_at"]
    answers.same(client.get(f"{B}/{case_no}/household"), "get_household")
    spouse = household["members"][1]["id"]
    revealed = answers.same(client.post(f"{B}/{case_no}/household/members/{spouse}/reveal-id"),
                            "reveal_member_id_number")
    assert revealed["id_number"] == SPOUSE_ID

    inv = answers.same(client.post(f"{B}/{case_no}/investigations", json=_visit(county, household, 1000)),
                       "record_investigation", 201)
    assert {a["purpose_label"] for a in inv["assets"]} >= {"谋生工具（如农用车、营运车辆）"}
    listed = answers.same(client.get(f"{B}/{case_no}/investigations"), "list_investigations")
    assert listed["items"][0]["incomes"][3]["member_id"] is None

    poor = answers.same(client.get(f"{B}/{case_no}/means-test"), "means_test_for")
    assert poor["eligible"] and poor["benefit"]["amount"] > 0
    assert poor["tekun"]["people"] and poor["temporary_relief"]["amount"] > 0 and poor["single_person"] == []
    assert poor["standards"]["is_default"] and poor["warnings"]

    # wages lift the household over the standard but under the edge: 单人保 for the disabled spouse
    body = {**_visit(county, household, 1800, relief_severity=None, has_able_supporter=None), "version": inv["version"]}
    answers.same(client.put(f"{B}/{case_no}/investigations/{inv['id']}", json=body), "update_investigation")
    edge = answers.same(client.get(f"{B}/{case_no}/means-test?on={today().isoformat()}"), "means_test_for")
    assert edge["benefit"] is None and edge["tekun"] is None and edge["temporary_relief"] is None
    assert edge["edge_household"] and edge["single_person"][0]["name"] == "李建国"


def test_materials_and_approval_form_answers_are_the_use_cases_dicts(client, county, case_no, answers):
    listed = answers.same(client.get(f"{B}/{case_no}/materials"), "list_materials")
    first, second = listed["items"][0]["id"], listed["items"][1]["id"]
    waived = answers.same(client.put(f"{B}/{case_no}/materials/{first}", json={
        "status": "waived", "reason": "村委会出具情况说明代替"}), "mark_material")
    assert waived["items"][0]["waived_reason"] == "村委会出具情况说明代替" and waived["items"][0]["marked_at"]
    looked = answers.same(client.put(f"{B}/{case_no}/materials/{second}", json={
        "status": "looked_up", "platform": "公安人口信息（户籍、身份证）"}), "mark_material")
    assert looked["items"][1]["platform"] and looked["missing"] == [i["name"] for i in looked["items"][2:]]
    bare = answers.same(client.get(f"{B}/{case_no}/approval-form"), "approval_form")
    assert bare["proposal"] is None and bare["computation"] is None and "家庭成员" in bare["not_computed"]
    household = client.put(f"{B}/{case_no}/household", json={"version": None, "members": MEMBERS}).get_json()
    client.post(f"{B}/{case_no}/investigations", json=_visit(county, household, 1000))
    form = answers.same(client.get(f"{B}/{case_no}/approval-form"), "approval_form")
    assert form["proposal"]["amount"] > 0 and form["computation"]["reasons"] and form["missing_materials"]
    assert {o["basis"] for o in form["proposal"]["options"]} >= {"household", "tekun"}


def test_standards_answers_and_the_audit_rows_are_the_use_cases_dicts(client, county, answers):
    login(client, "county")
    empty = answers.same(client.get("/api/v1/county/standards"), "list_standards")
    assert empty["items"] == [] and empty["in_force"]["is_default"] is True
    added = answers.same(client.post("/api/v1/county/standards", json={
        "effective_from": "2022-01-01", "rural_monthly": 460, "deposit_months": 24, "car_value_limit": "50000",
        "care_yearly": {"able": 360}, "basis": "濉民〔2022〕3号"}), "add_version", 201)
    assert added["urban_monthly"] is None and added["updated_at"] is None and added["in_force"] is True
    answers.same(client.post("/api/v1/county/standards", json={"effective_from": "2099-01-01", "urban_monthly": 700}),
                 "add_version", 201)
    fixed = answers.same(client.put("/api/v1/county/standards/2022-01-01", json={"urban_monthly": "690"}),
                         "correct_version")
    assert fixed["updated_by"] and fixed["updated_at"]
    listing = answers.same(client.get("/api/v1/county/standards"), "list_standards")
    assert [i["future"] for i in listing["items"]] == [True, False]
    on = answers.same(client.get("/api/v1/county/standards/in-force?on=2021-12-31"), "standards_in_force")
    assert on["on"] == "2021-12-31" and on["unset"]
    login(client, "audit")
    rows = answers.same(client.get("/api/v1/audit?event=correct_standards"), "list_audit")["items"]
    assert rows[0]["details"]["after"]["urban_monthly"] == "690"


def test_application_detail_answers_keep_the_file_its_differences_and_the_followers(client, county, answers):
    login(client, "hotline")
    first = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["秦口村"]}).get_json()
    login(client, "linhuan")  # the same person, another phone and township: the file is not this clerk's
    mine = answers.same(client.post("/api/v1/calls", json={
        **CALL, "phone": "13700001234", "intake": "child_welfare", "village_id": county["villages"]["马场村"]}),
        "open_application", 201)
    assert mine["file"] is None and mine["other_applications"][0]["visible"] is False
    assert {d["field"] for d in mine["file_differences"]} == {"phone", "village"}
    app = db.session.scalars(db.select(Application).where(Application.case_no == mine["case_no"])).one()
    for openid in ("o_resident_zhang", "o_grown_child"):
        followers.follow(app, openid, "bound")
    db.session.commit()

    login(client, "county")
    whole = answers.same(client.get(f"{B}/{mine['case_no']}"), "detail")
    assert whole["file"]["phone"] and whole["other_applications"][0]["case_no"] == first["case_no"]
    assert len(whole["followers"]) == 2 and whole["can_remove_followers"] and whole["can_review_file"]
    reviewed = answers.same(client.post(f"{B}/{mine['case_no']}/file-differences/phone", json={"decision": "reject"}),
                            "review_file_difference")
    assert {d["field"]: d["decision"] for d in reviewed["file_differences"]}["phone"] == "reject"
    removed = answers.same(client.delete(f"{B}/{mine['case_no']}/followers/{whole['followers'][1]['id']}"),
                           "remove_follower")
    assert removed["followers"][1]["removed_at"] and removed["history"][-1]["action"] == "follower_removed"


def test_the_profile_after_a_password_change_is_the_use_cases_dict(client, county, answers):
    from service.intake.models import County

    county_id = db.session.scalar(db.select(County.id).where(County.code == "340621"))
    otp = staff.add_staff(county_id, "wangfang", "window", "王芳", "孙疃镇")["one_time_password"]
    assert answers.same(client.post("/api/v1/auth/login", json={"username": "wangfang", "password": otp}),
                        "profile")["must_change_password"] is True
    changed = answers.same(client.post("/api/v1/auth/password", json={
        "current_password": otp, "new_password": "Huaihe-river-2027"}), "profile")
    assert changed["must_change_password"] is False and changed["township"] == "孙疃镇"
