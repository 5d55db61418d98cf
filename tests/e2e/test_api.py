"""Every endpoint's happy path and its refusals, through HTTP, in the one error shape."""

import pytest

from service import create_app
from tests.conftest import BASE_CONFIG, login
from tests.procedure_helpers import notice_started_days_ago

CALL = {"phone": "13812345678", "name": "张秀英", "id_number": "11010519491231002X", "intake": "dibao",
        "description": "俺家老汉瘫在床上，想申请低保", "household_size": 2}


def error_of(response, status):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == {"error", "request_id"} and body["error"]["status"] == status
    return body["error"]


@pytest.fixture
def operator(client, county):
    login(client, "hotline")
    return client


def log_call(client, county, **overrides):
    return client.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"], **overrides})


def test_health_and_openapi(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    assert client.get("/livez").get_data(as_text=True) == "ok"
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/applications/{case_no}/actions/{action}" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/api/docs/assets/swagger-ui-bundle.js" in docs.data
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_unauthenticated_calls_get_401_in_the_error_shape(client, county):
    assert error_of(client.get("/api/v1/applications"), 401)["message"] == "请先登录"
    assert error_of(client.get("/api/v1/applications", headers={"Authorization": "Bearer nope"}), 401)


def test_login_failures_lock_the_account(client, county):
    for _ in range(5):
        assert error_of(client.post("/api/v1/auth/login", json={"username": "suntuan", "password": "x"}), 401)
    err = error_of(client.post("/api/v1/auth/login", json={"username": "suntuan", "password": "demo2026"}), 401)
    assert err["code"] == "locked" and "锁定" in err["message"]


def _audit_rows(event):
    from sqlalchemy import select

    from service.auth.models import AuditRecord
    from service.extensions import db

    db.session.expire_all()
    return [(r.target_id, r.outcome, r.staff_id is not None, r.remote_addr) for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.event == event).order_by(AuditRecord.id))]


def test_every_login_attempt_and_token_change_is_audited(client, county, app):
    post = lambda username, password: client.post(  # noqa: E731
        "/api/v1/auth/login", json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    post("nobody", "x")
    for _ in range(5):
        post("suntuan", "wrong")
    post("suntuan", "demo2026")  # locked now, even with the right password
    assert post("hotline", "demo2026").status_code == 200
    rows = _audit_rows("login")
    assert rows[0] == ("nobody", "unknown_user", False, "192.0.2.7")
    assert [r[1] for r in rows[1:]] == ["bad_password"] * 4 + ["locked_now", "locked", "granted"]
    assert all(r[2] and r[3] == "192.0.2.7" for r in rows[1:])
    token_id = client.post("/api/v1/auth/tokens", json={"name": "呼叫中心系统"}).get_json()["id"]
    client.delete(f"/api/v1/auth/tokens/{token_id}")
    assert _audit_rows("create_token") == [(str(token_id), "granted", True, None)]
    assert _audit_rows("revoke_token") == [(str(token_id), "granted", True, None)]


def test_logout_ends_the_session(client, county):
    login(client, "suntuan")
    assert client.get("/api/v1/auth/me").get_json()["township"] == "孙疃镇"
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_api_tokens_work_until_revoked(client, county, app):
    login(client, "hotline")
    created = client.post("/api/v1/auth/tokens", json={"name": "呼叫中心系统"})
    assert created.status_code == 201
    token = created.get_json()["token"]
    cti = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert cti.post("/api/v1/calls", json={**CALL, "village_id": county["villages"]["孙疃村"]},
                    headers=headers).status_code == 201
    assert [t["name"] for t in client.get("/api/v1/auth/tokens").get_json()["items"]] == ["呼叫中心系统"]
    assert client.delete(f"/api/v1/auth/tokens/{created.get_json()['id']}").status_code == 204
    assert error_of(cti.get("/api/v1/applications", headers=headers), 401)["code"] == "bad_token"


def test_production_refuses_demo_passwords(app, client, county):
    app.config["SERVICE_ENV"] = "production"  # start-up checks are tested in unit/intake/test_config.py
    response = client.post("/api/v1/auth/login", json={"username": "suntuan", "password": "demo2026"})
    assert error_of(response, 403)["code"] == "demo_password"
    assert client.get("/api/v1/auth/me").status_code == 401


def test_operator_logs_a_call_and_gets_a_case_number(operator, county):
    response = log_call(operator, county)
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["case_no"]) == 11 and body["channel"] == "hotline" and body["status_label"] == "待受理"
    assert body["applicant"]["id_number"] == "110***********002X"
    assert "11010519491231002X" not in response.get_data(as_text=True)


@pytest.mark.parametrize("overrides, field", [
    ({"id_number": "110105194912310021"}, "id_number"),
    ({"phone": "2381234567"}, "phone"),
    ({"village_id": 424242}, "village_id"),
    ({"intake": "housing"}, "intake"),
    ({"household_size": 0}, "household_size"),
    ({"description": ""}, "description"),
])
def test_bad_calls_get_422_with_chinese_field_messages(operator, county, overrides, field):
    err = error_of(log_call(operator, county, **overrides), 422)
    message = err["fields"][field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_a_call_with_unknown_fields_or_non_json_is_refused(operator, county):
    err = error_of(log_call(operator, county, favourite_colour="red"), 422)
    assert err["fields"]["favourite_colour"] == ["不支持的字段"]
    response = operator.post("/api/v1/calls", data="not json", content_type="application/json")
    assert error_of(response, 400)["fields"] == {"json": ["请求内容不是有效的 JSON"]}


def test_window_clerk_works_an_application_through_to_the_county(client, county, app):
    login(client, "hotline")
    case_no = log_call(client, county).get_json()["case_no"]
    clerk = app.test_client()
    login(clerk, "suntuan")
    queue = clerk.get("/api/v1/applications?intake=dibao&limit=10").get_json()
    assert [i["case_no"] for i in queue["items"]] == [case_no] and queue["next_cursor"] is None
    detail = clerk.get(f"/api/v1/applications/{case_no}").get_json()
    assert {"accept", "request_materials"} <= {a["action"] for a in detail["allowed_actions"]}
    detail = clerk.post(f"/api/v1/applications/{case_no}/claim", json={"version": detail["version"]}).get_json()
    assert detail["assigned_to"] == "王芳"
    assert clerk.get("/api/v1/applications?mine=true").get_json()["items"][0]["case_no"] == case_no

    def act(action, **body):
        nonlocal detail
        response = clerk.post(f"/api/v1/applications/{case_no}/actions/{action}",
                              json={"version": detail["version"], **body})
        if response.status_code == 200:
            detail = response.get_json()
        return response

    assert act("accept").status_code == 200
    err = error_of(act("submit_to_county"), 409)
    assert err["code"] == "invalid_transition" and "已受理" in err["message"]
    for action in ("start_investigation", "start_public_notice"):
        answer = act(action)
        assert answer.status_code == 200, action
    # what the village was shown, kept in the API's answer (nothing computed yet: no amount to post)
    assert answer.get_json()["public_notice"]["published"] == {"household_size": CALL["household_size"], "proposed_amount": None}
    early = error_of(act("submit_to_county"), 409)  # 公示 runs its full 7 days first
    assert early["code"] == "invalid_transition" and "公示期未满" in early["message"]
    with app.app_context():
        notice_started_days_ago(case_no, 7)
    for action in ("close_public_notice", "submit_to_county"):
        assert act(action).status_code == 200, action
    assert error_of(act("approve", amount="680", first_month="2099-01"), 403)
    reviewer = app.test_client()
    login(reviewer, "county")
    missing = reviewer.post(f"/api/v1/applications/{case_no}/actions/reject", json={"version": detail["version"]})
    assert "理由" in error_of(missing, 422)["fields"]["reason"][0]
    no_amount = reviewer.post(f"/api/v1/applications/{case_no}/actions/approve",
                              json={"version": detail["version"], "first_month": "2099-01"})
    assert "金额" in error_of(no_amount, 422)["fields"]["amount"][0]
    approved = reviewer.post(f"/api/v1/applications/{case_no}/actions/approve",
                             json={"version": detail["version"], "amount": "680", "first_month": "2099-01"})
    assert error_of(approved, 422)["code"] == "materials_missing"  # nothing was received: confirm explicitly
    approved = reviewer.post(f"/api/v1/applications/{case_no}/actions/approve",
                             json={"version": detail["version"], "amount": "680", "first_month": "2099-01",
                                   "confirm_missing": True})
    assert approved.status_code == 200 and approved.get_json()["status_label"] == "已批准"
    assert approved.get_json()["history"][-1]["data"]["missing_confirmed"] == approved.get_json()["missing_materials"]
    history = [h["action"] for h in approved.get_json()["history"]]
    assert history == ["submit", "claim", "accept", "start_investigation", "start_public_notice",
                       "close_public_notice", "submit_to_county", "approve"]


def test_another_townships_case_answers_exactly_like_a_missing_one(client, county, app):
    login(client, "hotline")
    case_no = log_call(client, county).get_json()["case_no"]
    other = app.test_client()
    login(other, "linhuan")
    for method, suffix, body in (("get", "", None), ("post", "/actions/accept", {"version": 1}),
                                 ("post", "/claim", {"version": 1}), ("post", "/reveal-id", None)):
        theirs = error_of(other.open(f"/api/v1/applications/{case_no}{suffix}", method=method, json=body), 404)
        missing = error_of(other.open(f"/api/v1/applications/26000000000{suffix}", method=method, json=body), 404)
        assert theirs == missing and theirs["code"] == "not_found"
    err = error_of(other.get(f"/api/v1/applications?township_id={county['townships']['孙疃镇']}"), 403)
    assert "本乡镇" in err["message"]


def test_queue_query_is_validated(client, county):
    login(client, "suntuan")
    err = error_of(client.get("/api/v1/applications?limit=1000&status=flying"), 422)
    assert set(err["fields"]) == {"limit", "status"}
    assert error_of(client.get("/api/v1/applications?cursor=zzz"), 422)["fields"]["cursor"]


def test_reveal_id_is_for_caseworkers_only(client, county, app):
    login(client, "hotline")
    case_no = log_call(client, county).get_json()["case_no"]
    assert error_of(client.post(f"/api/v1/applications/{case_no}/reveal-id"), 403)
    clerk = app.test_client()
    login(clerk, "suntuan")
    assert clerk.post(f"/api/v1/applications/{case_no}/reveal-id").get_json()["id_number"] == "11010519491231002X"


def test_townships_list_the_villages_for_forms(client, county):
    login(client, "hotline")
    items = client.get("/api/v1/townships").get_json()["items"]
    suntuan = next(t for t in items if t["name"] == "孙疃镇")
    assert len(suntuan["villages"]) == 22 and suntuan["villages"][0]["name"] == "孙疃村"


def test_public_look_up_answers_in_plain_chinese(client, county, app):
    login(client, "hotline")
    case_no = log_call(client, county).get_json()["case_no"]
    resident = app.test_client()
    body = resident.post("/api/v1/public/lookup", json={"case_no": case_no, "id_last4": "002X"}).get_json()
    assert body["status"] == "待受理" and "受理" in body["message"] and "id_number" not in body
    err = error_of(resident.post("/api/v1/public/lookup", json={"case_no": case_no, "id_last4": "0000"}), 404)
    assert "后四位" in err["message"]


def test_public_look_up_and_login_are_rate_limited(database_url, county):
    limited = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_LOOKUP": "3 per minute", "RATELIMIT_LOGIN": "3 per minute"})
    with limited.app_context():
        guesser = limited.test_client()
        codes = [guesser.post("/api/v1/public/lookup", json={"case_no": "26000000000", "id_last4": f"{i:04d}"})
                 .status_code for i in range(5)]
        assert codes == [404, 404, 404, 429, 429]
        err = error_of(guesser.post("/api/v1/public/lookup", json={"case_no": "1", "id_last4": "0000"}), 429)
        assert "稍后" in err["message"]
        logins = [guesser.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"}).status_code
                  for _ in range(4)]
        assert logins == [401, 401, 401, 429]


def test_authentication_comes_before_validation(client, county):
    assert error_of(client.post("/api/v1/calls", json={"phone": "1"}), 401)


def test_public_notice_through_the_api_waits_its_term_and_takes_an_objection(client, county, app):
    login(client, "hotline")
    case_no = log_call(client, county).get_json()["case_no"]
    clerk = app.test_client()
    login(clerk, "suntuan")
    detail = clerk.get(f"/api/v1/applications/{case_no}").get_json()
    for action in ("accept", "start_investigation", "start_public_notice"):
        detail = clerk.post(f"/api/v1/applications/{case_no}/actions/{action}",
                            json={"version": detail["version"]}).get_json()
    assert detail["public_notice"]["ended"] is False and detail["public_notice"]["cleared_on"] is None
    waiting = {w["action"]: w["reason"] for w in detail["waiting_actions"]}
    assert "公示期未满" in waiting["submit_to_county"] and "submit_to_county" not in {
        a["action"] for a in detail["allowed_actions"]}
    no_text = clerk.post(f"/api/v1/applications/{case_no}/actions/reinvestigate", json={"version": detail["version"]})
    assert "异议情况" in error_of(no_text, 422)["fields"]["reason"][0]
    back = clerk.post(f"/api/v1/applications/{case_no}/actions/reinvestigate",
                      json={"version": detail["version"], "reason": "村民反映其家有营运货车"})
    assert back.status_code == 200
    body = back.get_json()
    assert body["status"] == "investigating" and body["public_notice"] is None
    assert body["history"][-1]["action"] == "reinvestigate" and body["history"][-1]["note"] == "村民反映其家有营运货车"
