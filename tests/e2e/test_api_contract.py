"""What every API answer promises beyond its body: no cache may keep it, and the OpenAPI document
describes the answers as they really are."""

from tests.conftest import login
from tests.e2e.test_api import CALL
from tests.e2e.test_api_hostile import _operations, _url


def test_every_api_answer_forbids_caching_a_reveal_and_an_error_included(client, county):
    login(client, "hotline")
    case_no = client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]}).get_json()["case_no"]
    login(client, "suntuan")
    reveal = client.post(f"/api/v1/applications/{case_no}/reveal-id")
    assert reveal.status_code == 200 and reveal.get_json()["id_number"] == CALL["id_number"]
    answers = [reveal, client.get("/api/openapi.json"), client.get("/api/v1/applications/26000000000"),
               client.post("/api/v1/public/lookup", json={"case_no": case_no, "id_last4": "002X"})]
    for method, path in _operations(client):
        answers.append(client.open(_url(path, case_no), method=method.upper(), json={}))
    answers.append(client.application.test_client().get("/api/v1/applications"))  # anonymous: 401
    for response in answers:
        assert response.headers.get("Cache-Control") == "no-store", (response.request.path, response.status_code)
