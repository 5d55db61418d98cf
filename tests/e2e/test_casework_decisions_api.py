"""The approval's two checks over HTTP: every problem in one 422, then the explicit flag and the reason,
both kept in the decision's history; the materials mark refusals in the one error shape."""

from tests.conftest import login
from tests.e2e.test_api import CALL, error_of
from tests.e2e.test_casework_api import _today, put_household

B = "/api/v1/applications"


def test_an_approval_names_every_problem_at_once_then_records_flag_and_reason(client, county):
    login(client, "suntuan")
    detail = client.post("/api/v1/calls", json={**CALL, "intake": "temporary_relief",
                                                 "village_id": county["villages"]["秦口村"]}).get_json()
    case_no = detail["case_no"]
    for action in ("accept", "start_investigation"):
        detail = client.post(f"{B}/{case_no}/actions/{action}", json={"version": detail["version"]}).get_json()
    household = put_household(client, case_no).get_json()
    ids = [m["id"] for m in household["members"]]
    visit = {"visited_on": _today(), "visitor_ids": [county["actors"]["suntuan"].id, county["actors"]["county"].id],
             "living_conditions": "房屋被淹", "relief_severity": "minor",
             "incomes": [{"member_id": ids[0], "kind": "wages", "amount": 1000}]}
    assert client.post(f"{B}/{case_no}/investigations", json=visit).status_code == 201
    form = client.get(f"{B}/{case_no}/approval-form").get_json()
    proposed = form["proposal"]["amount"]
    assert form["proposal"]["basis"] == "temporary_relief" and proposed != 300
    refused = error_of(client.post(f"{B}/{case_no}/actions/approve",
                                   json={"version": detail["version"], "amount": 300}), 422)
    assert refused["code"] == "approval_needs_attention"
    assert set(refused["fields"]) == {"confirm_missing", "amount_reason"}
    assert f"核算建议金额为 {proposed} 元" in refused["fields"]["amount_reason"][0]
    done = client.post(f"{B}/{case_no}/actions/approve", json={
        "version": detail["version"], "amount": 300, "confirm_missing": True, "amount_reason": "乡镇审批限额内先救急"})
    assert done.status_code == 200, done.get_json()
    data = done.get_json()["history"][-1]["data"]
    assert data["amount_basis"] == "override" and data["proposed_amount"] == proposed
    assert data["amount_reason"] == "乡镇审批限额内先救急" and data["missing_confirmed"] == form["missing_materials"]


def test_material_marks_refused_in_the_error_shape(client, county):
    login(client, "suntuan")
    case_no = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["秦口村"]}).get_json()["case_no"]
    item = client.get(f"{B}/{case_no}/materials").get_json()["items"][0]["id"]
    assert "理由" in error_of(client.put(f"{B}/{case_no}/materials/{item}", json={"status": "waived"}), 422)[
        "fields"]["reason"][0]
    assert error_of(client.put(f"{B}/{case_no}/materials/{item}", json={"status": "lost"}), 422)["fields"]["status"]
    assert error_of(client.put(f"{B}/{case_no}/materials/2147483647", json={"status": "received"}), 404)
    login(client, "linhuan")
    assert error_of(client.put(f"{B}/{case_no}/materials/{item}", json={"status": "received"}), 404)
