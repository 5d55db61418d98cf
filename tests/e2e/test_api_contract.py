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


def _resolve(spec: dict, node):
    """The schema with every $ref replaced by what it points at (the document has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(spec, target)
        return {k: _resolve(spec, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(spec, v) for v in node]
    return node


def test_the_openapi_document_declares_the_real_error_shape_and_every_success_body(client, county):
    import jsonschema_rs  # comes with schemathesis (dev extra)

    spec = client.get("/api/openapi.json").get_json()
    error_schema = _resolve(spec, spec["components"]["responses"]["DEFAULT_ERROR"])["content"]["application/json"]["schema"]
    assert set(error_schema["properties"]) == {"error", "request_id"}
    assert set(error_schema["properties"]["error"]["properties"]) == {"status", "code", "message", "fields"}
    errors = [client.get("/api/v1/applications"),  # 401
              client.post("/api/v1/public/lookup", json={"case_no": "1"}),  # 422 with fields
              client.post("/api/v1/public/lookup", json={"case_no": "26000000000", "id_last4": "1234"})]  # 404
    for response in errors:
        jsonschema_rs.validate(error_schema, response.get_json())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            success = {code: r for code, r in operation["responses"].items() if code.startswith("2") and code != "204"}
            for code, response in success.items():
                assert "schema" in _resolve(spec, response).get("content", {}).get("application/json", {}), \
                    (method, path, code)
            assert "default" in operation["responses"], (method, path)
